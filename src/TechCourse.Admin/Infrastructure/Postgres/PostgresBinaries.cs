using TechCourse.Admin.Infrastructure.Hosting;

namespace TechCourse.Admin.Infrastructure.Postgres;

// Finds the PostgreSQL server binaries; installing them is the job of the README's commands and .ci/run, never the app's.
public static class PostgresBinaries
{
    private const string InstalledRoot = "/usr/lib/postgresql";
    private static readonly string[] PgConfigCommands = ["pg_config", "/usr/bin/pg_config"];

    public static Task<string> LocateAsync(string? configuredDirectory, CancellationToken ct) => LocateAsync(configuredDirectory, InstalledRoot, PgConfigCommands, ct);

    public static async Task<string> LocateAsync(string? configuredDirectory, string installedRoot, IReadOnlyList<string> pgConfigCommands, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(configuredDirectory))
        {
            if (HasServer(configuredDirectory)) return configuredDirectory;
            throw new EnvironmentProblemException(
                $"EmbeddedPostgres:BinDirectory is '{configuredDirectory}', but it holds no PostgreSQL server (pg_ctl, initdb, postgres).");
        }
        return await FromPgConfigAsync(pgConfigCommands, ct) ?? Installed(installedRoot) ?? throw new EnvironmentProblemException(
            "the embedded database (ConnectionStrings:TechCourse is empty) needs the PostgreSQL server, which is not installed: " +
            "install the Debian package 'postgresql' (sudo apt-get install -y postgresql) or set EmbeddedPostgres:BinDirectory.");
    }

    private static async Task<string?> FromPgConfigAsync(IReadOnlyList<string> commands, CancellationToken ct)
    {
        foreach (var pgConfig in commands)
        {
            try
            {
                var result = await ProcessRunner.RunAsync(pgConfig, ["--bindir"], timeout: TimeSpan.FromSeconds(10), ct: ct);
                var directory = result.StandardOutput.Trim();
                if (result.ExitCode == 0 && HasServer(directory)) return directory;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // pg_config is not on this machine; try the next way.
            }
        }
        return null;
    }

    private static string? Installed(string root)
    {
        if (!Directory.Exists(root)) return null;
        return Directory.GetDirectories(root)
            .Select(directory => (Version: int.TryParse(Path.GetFileName(directory), out var v) ? v : 0, Bin: Path.Combine(directory, "bin")))
            .Where(candidate => HasServer(candidate.Bin))
            .OrderByDescending(candidate => candidate.Version)
            .Select(candidate => candidate.Bin)
            .FirstOrDefault();
    }

    private static bool HasServer(string directory) =>
        File.Exists(Path.Combine(directory, "pg_ctl")) && File.Exists(Path.Combine(directory, "initdb")) && File.Exists(Path.Combine(directory, "postgres"));
}
