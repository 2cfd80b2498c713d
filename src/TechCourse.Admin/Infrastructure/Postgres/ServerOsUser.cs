using TechCourse.Admin.Infrastructure.Hosting;

namespace TechCourse.Admin.Infrastructure.Postgres;

// PostgreSQL refuses to run as root: when we are root, the server runs as an unprivileged system user.
public sealed class ServerOsUser
{
    private ServerOsUser(string? name) => Name = name;

    public string? Name { get; }

    public static async Task<ServerOsUser> ResolveAsync(CancellationToken ct)
    {
        if (!ProcessRunner.IsRoot) return new ServerOsUser(null);
        foreach (var candidate in new[] { "postgres", "nobody" })
        {
            var result = await ProcessRunner.RunAsync("id", ["-u", candidate], ct: ct);
            if (result.ExitCode == 0) return new ServerOsUser(candidate);
        }
        throw new EnvironmentProblemException("Running as root, and neither a 'postgres' nor a 'nobody' user exists to run PostgreSQL as.");
    }

    public Task<ProcessResult> RunAsync(string program, IEnumerable<string> arguments, TimeSpan? timeout = null, CancellationToken ct = default) =>
        Name is null
            ? ProcessRunner.RunAsync(program, arguments, timeout: timeout, ct: ct)
            : ProcessRunner.RunAsync("runuser", ["-u", Name, "--", program, .. arguments], timeout: timeout, ct: ct);

    public async Task GiveOwnershipAsync(string directory, CancellationToken ct)
    {
        if (Name is null) return;
        var result = await ProcessRunner.RunAsync("chown", ["-R", $"{Name}:", directory], ct: ct);
        if (result.ExitCode != 0)
            throw new EnvironmentProblemException($"Could not hand '{directory}' to the '{Name}' user: {result.CombinedOutput}");
        var probe = await RunAsync("test", ["-w", directory], ct: ct);
        if (probe.ExitCode != 0)
            throw new EnvironmentProblemException(
                $"PostgreSQL runs as the '{Name}' user (the app runs as root), but '{Name}' cannot reach '{directory}' " +
                "(a parent folder is private, e.g. /root). Point EmbeddedPostgres:DataDirectory at a folder it can reach, e.g. /var/lib/techcourse-admin.");
    }
}
