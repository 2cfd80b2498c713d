namespace TechCourse.Admin.Tests.Support;

// The capstone's statements (tests/…/Seed/techcourse-capstone.sql, a verbatim copy of shared/seed), split on ';' outside $$ bodies.
public static class SeedScript
{
    public static string Path => System.IO.Path.Combine(AppContext.BaseDirectory, "Seed", "techcourse-capstone.sql");

    public static IReadOnlyList<string> Statements { get; } = SqlText.Statements(File.ReadAllText(Path));

    public static IEnumerable<string> SchemaStatements => Statements.Where(s => s.StartsWith("CREATE", StringComparison.OrdinalIgnoreCase));

    public static IEnumerable<string> Inserts => Statements.Where(s => s.StartsWith("INSERT", StringComparison.OrdinalIgnoreCase));

    public static IEnumerable<string> DataStatementsAndQueries => Statements.Where(s => !s.StartsWith("CREATE", StringComparison.OrdinalIgnoreCase));
}
