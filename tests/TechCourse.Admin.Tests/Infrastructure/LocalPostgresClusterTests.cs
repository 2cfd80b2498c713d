using Dapper;
using Npgsql;
using TechCourse.Admin.Infrastructure.Postgres;

namespace TechCourse.Admin.Tests.Infrastructure;

public sealed class LocalPostgresClusterTests : IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), $"tc-cluster-{Guid.NewGuid():N}"[..22]);

    [Fact]
    public async Task A_cluster_starts_keeps_its_data_across_a_restart_is_shared_by_a_second_instance_and_stops()
    {
        var first = await LocalPostgresCluster.StartAsync(new LocalClusterSettings(root));
        Assert.True(first.OwnsServer);
        await ExecuteAsync(first, "CREATE TABLE kept (value text); INSERT INTO kept VALUES ('survives a restart')");

        var second = await LocalPostgresCluster.StartAsync(new LocalClusterSettings(root));
        Assert.False(second.OwnsServer);
        Assert.Equal(first.Port, second.Port);
        await second.StopAsync();
        Assert.True(await first.IsRunningAsync());

        await first.StopAsync();
        Assert.False(await first.IsRunningAsync());

        var restarted = await LocalPostgresCluster.StartAsync(new LocalClusterSettings(root));
        try
        {
            Assert.True(restarted.OwnsServer);
            await using var connection = new NpgsqlConnection(restarted.ConnectionString());
            Assert.Equal("survives a restart", await connection.ExecuteScalarAsync<string>("SELECT value FROM kept"));
        }
        finally
        {
            await restarted.StopAsync();
        }
        Assert.False(await restarted.IsRunningAsync());
    }

    [Fact]
    public async Task A_second_stop_while_the_first_is_under_way_returns_only_once_the_server_has_stopped()
    {
        var cluster = await LocalPostgresCluster.StartAsync(new LocalClusterSettings(root));
        var first = cluster.StopAsync();
        var second = cluster.StopAsync();

        await second;
        Assert.False(await cluster.IsRunningAsync());
        Assert.False(File.Exists(Path.Combine(root, "pgdata", "postmaster.pid")));
        await first;
    }

    [Fact]
    public async Task The_cluster_listens_only_on_loopback_and_refuses_a_wrong_password()
    {
        await using var cluster = await LocalPostgresCluster.StartAsync(new LocalClusterSettings(root, Throwaway: true));
        await using var connection = new NpgsqlConnection(cluster.ConnectionString());
        Assert.Equal("127.0.0.1", await connection.ExecuteScalarAsync<string>("SELECT current_setting('listen_addresses')"));

        var wrong = new NpgsqlConnectionStringBuilder(cluster.ConnectionString()) { Password = "not-the-password" };
        var error = await Assert.ThrowsAsync<PostgresException>(async () =>
        {
            await using var refused = new NpgsqlConnection(wrong.ConnectionString);
            await refused.OpenAsync();
        });
        Assert.Equal("28P01", error.SqlState);
    }

    [Fact]
    public async Task The_server_runs_with_the_allocator_settings_that_keep_freed_memory()
    {
        await using var cluster = await LocalPostgresCluster.StartAsync(new LocalClusterSettings(root, Throwaway: true));
        await using var connection = new NpgsqlConnection(cluster.ConnectionString());

        // Backends reuse their environment's memory for the process title, so the postmaster's (which they inherit) is read.
        var postmaster = (await connection.ExecuteScalarAsync<string>("SELECT split_part(pg_read_file('postmaster.pid'), E'\\n', 1)"))!.Trim();
        var environment = System.Text.Encoding.UTF8.GetString(await File.ReadAllBytesAsync($"/proc/{postmaster}/environ")).Split('\0');

        Assert.Equal(LocalPostgresCluster.ServerAllocatorEnvironment, environment.Where(v => v.StartsWith("MALLOC_", StringComparison.Ordinal)).Order());
    }

    private static async Task ExecuteAsync(LocalPostgresCluster cluster, string sql)
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString());
        await connection.ExecuteAsync(sql);
    }

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
    }
}
