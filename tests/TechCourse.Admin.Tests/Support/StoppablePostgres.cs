using Npgsql;
using TechCourse.Admin.Infrastructure.Postgres;

namespace TechCourse.Admin.Tests.Support;

// A throwaway PostgreSQL cluster on a fixed port that a test stops, starts and restarts (pg_ctl -m fast) at will.
// Its port and superuser password are known before it first starts, so an app can be pointed at it while it is down.
public sealed class StoppablePostgres : IAsyncDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), $"tc-stop-{Guid.NewGuid():N}"[..20]);
    private LocalPostgresCluster? cluster;

    public StoppablePostgres()
    {
        Directory.CreateDirectory(root);
        Password = SecretFile.ReadOrCreate(Path.Combine(root, "superuser.password"));
        Port = LocalPostgresCluster.FreeTcpPort();
    }

    public int Port { get; }
    public string Password { get; }
    private string DataDirectory => Path.Combine(root, "pgdata");

    public string ConnectionString(string database = "postgres", bool pooling = true) => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1", Port = Port, Username = LocalPostgresCluster.Superuser, Password = Password, Database = database, Pooling = pooling, Timeout = 5,
    }.ConnectionString;

    public async Task StartAsync()
    {
        cluster = await LocalPostgresCluster.StartAsync(new LocalClusterSettings(root, Throwaway: false)
        {
            Port = Port,
            ServerSettings = new Dictionary<string, string> { ["fsync"] = "off" },
        });
    }

    public Task StopAsync() => PgCtlAsync("-m", "fast", "-w", "stop");

    // What an operator does during a deploy or failover test: a fast restart that ends every session.
    // pg_ctl restart has no -l: its server would inherit our output pipe, so the shell sends it to the log file instead.
    public async Task RestartFastAsync()
    {
        var osUser = await ServerOsUser.ResolveAsync(CancellationToken.None);
        var pgCtl = Path.Combine(await PostgresBinaries.LocateAsync(null, CancellationToken.None), "pg_ctl");
        var result = await osUser.RunAsync("sh", ["-c", $"'{pgCtl}' -D '{DataDirectory}' -m fast -w restart >> '{Path.Combine(root, "postgres.log")}' 2>&1"], TimeSpan.FromSeconds(60));
        if (result.ExitCode != 0) throw new InvalidOperationException($"pg_ctl restart failed: {result.CombinedOutput}");
    }

    private async Task PgCtlAsync(params string[] arguments)
    {
        var osUser = await ServerOsUser.ResolveAsync(CancellationToken.None);
        var bin = await PostgresBinaries.LocateAsync(null, CancellationToken.None);
        var result = await osUser.RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", DataDirectory, .. arguments], TimeSpan.FromSeconds(60));
        if (result.ExitCode != 0) throw new InvalidOperationException($"pg_ctl {string.Join(' ', arguments)} failed: {result.CombinedOutput}");
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
            await PgCtlAsync("-m", "immediate", "-w", "stop");
        Directory.Delete(root, recursive: true);
    }
}
