namespace TechCourse.Admin.Tests.Support;

public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string SqlDirectory => Path.Combine(Root, "sql");

    public static string DefinitionsDirectory => Path.Combine(SqlDirectory, "definitions");

    // In the order the migrator runs them: numbered migrations, then definitions, each in ordinal name order.
    public static IReadOnlyList<string> NumberedScripts => Directory.GetFiles(SqlDirectory, "*.sql").Order(StringComparer.Ordinal).ToList();

    public static IReadOnlyList<string> DefinitionScripts => Directory.GetFiles(DefinitionsDirectory, "*.sql").Order(StringComparer.Ordinal).ToList();

    public static string BuildConfiguration =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    public static string AppAssembly => Path.Combine(Root, "src", "TechCourse.Admin", "bin", BuildConfiguration, "net10.0", "TechCourse.Admin.dll");

    public static string ArtifactsDirectory
    {
        get
        {
            var directory = Path.Combine(Root, "tests", "TestResults", "artifacts");
            Directory.CreateDirectory(directory);
            return directory;
        }
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "TechCourse.Admin.sln"))) return directory.FullName;
        throw new InvalidOperationException($"TechCourse.Admin.sln not found above {AppContext.BaseDirectory}");
    }
}
