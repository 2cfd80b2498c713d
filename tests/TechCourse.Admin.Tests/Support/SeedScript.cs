using System.Text;

namespace TechCourse.Admin.Tests.Support;

/// The capstone's statements (tests/…/Seed/techcourse-capstone.sql, a verbatim copy of shared/seed), split on ';' outside $$ bodies.
public static class SeedScript
{
    public static string Path => System.IO.Path.Combine(AppContext.BaseDirectory, "Seed", "techcourse-capstone.sql");

    public static IReadOnlyList<string> Statements { get; } = Split(File.ReadAllText(Path));

    public static IEnumerable<string> SchemaStatements => Statements.Where(s => s.StartsWith("CREATE", StringComparison.OrdinalIgnoreCase));

    public static IEnumerable<string> Inserts => Statements.Where(s => s.StartsWith("INSERT", StringComparison.OrdinalIgnoreCase));

    public static IEnumerable<string> DataStatementsAndQueries => Statements.Where(s => !s.StartsWith("CREATE", StringComparison.OrdinalIgnoreCase));

    private static List<string> Split(string script)
    {
        var withoutComments = string.Join('\n', script.Split('\n').Where(line => !line.TrimStart().StartsWith("--", StringComparison.Ordinal))
            .Select(line => line.Contains("--", StringComparison.Ordinal) && !line.Contains('\'', StringComparison.Ordinal) ? line[..line.IndexOf("--", StringComparison.Ordinal)] : line));
        var statements = new List<string>();
        var current = new StringBuilder();
        var inDollarBody = false;
        for (var i = 0; i < withoutComments.Length; i++)
        {
            if (withoutComments.AsSpan(i).StartsWith("$$"))
            {
                inDollarBody = !inDollarBody;
                current.Append("$$");
                i++;
                continue;
            }
            if (withoutComments[i] == ';' && !inDollarBody)
            {
                if (current.ToString().Trim() is { Length: > 0 } statement) statements.Add(statement);
                current.Clear();
                continue;
            }
            current.Append(withoutComments[i]);
        }
        if (current.ToString().Trim() is { Length: > 0 } last) statements.Add(last);
        return statements;
    }
}
