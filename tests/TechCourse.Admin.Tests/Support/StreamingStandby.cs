using Npgsql;
using TechCourse.Admin.Infrastructure.Postgres;

namespace TechCourse.Admin.Tests.Support;

// A streaming standby of a StoppablePostgres primary, made by pg_basebackup -R on 127.0.0.1 and started on a free
// port: what a replica for report reads is.
public sealed class StreamingStandby : IAsyncDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), $"tc-standby-{Guid.NewGuid():N}"[..23]);
    private readonly StoppablePostgres primary;

    private StreamingStandby(StoppablePostgres primary)
    {
        this.primary = primary;
        Port = LocalPostgresCluster.FreeTcpPort();
    }

    public int Port { get; }
    private string DataDirectory => Path.Combine(root, "pgdata");

    // The same connection string (login, database), to the standby.
    public string Of(string connectionString) => new NpgsqlConnectionStringBuilder(connectionString) { Port = Port }.ConnectionString;

    public static async Task<StreamingStandby> StartAsync(StoppablePostgres primary)
    {
        var standby = new StreamingStandby(primary);
        Directory.CreateDirectory(standby.root);
        var osUser = await ServerOsUser.ResolveAsync(CancellationToken.None);
        await osUser.GiveOwnershipAsync(standby.root, CancellationToken.None);
        var bin = await PostgresBinaries.LocateAsync(null, CancellationToken.None);
        await standby.RunAsync(osUser, $"PGPASSWORD='{primary.Password}' '{bin}/pg_basebackup' -h 127.0.0.1 -p {primary.Port} -U postgres -D '{standby.DataDirectory}' -R -X stream -c fast");
        await standby.RunAsync(osUser, $"'{bin}/pg_ctl' -D '{standby.DataDirectory}' -l '{standby.root}/postgres.log' -w -t 120 " +
            $"-o \"-p {standby.Port} -c listen_addresses=127.0.0.1 -k '{standby.root}'\" start");
        return standby;
    }

    // Stops applying WAL (the standby falls behind while the primary writes) or resumes.
    public async Task PauseReplayAsync(bool paused)
    {
        await using var connection = new NpgsqlConnection(Of(primary.ConnectionString(pooling: false)));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(paused ? "SELECT pg_wal_replay_pause()" : "SELECT pg_wal_replay_resume()", connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task RunAsync(ServerOsUser osUser, string command)
    {
        var result = await osUser.RunAsync("sh", ["-c", command], TimeSpan.FromSeconds(120));
        if (result.ExitCode != 0) throw new InvalidOperationException($"Making the standby failed: {result.CombinedOutput}");
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            var osUser = await ServerOsUser.ResolveAsync(CancellationToken.None);
            var bin = await PostgresBinaries.LocateAsync(null, CancellationToken.None);
            await osUser.RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", DataDirectory, "-m", "immediate", "-w", "stop"], TimeSpan.FromSeconds(60));
        }
        Directory.Delete(root, recursive: true);
    }
}
