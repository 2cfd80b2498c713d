using Dapper;
using DotNet.Testcontainers.Builders;
using Npgsql;
using Testcontainers.PostgreSql;
using TechCourse.Admin.Infrastructure.Database;
using TechCourse.Admin.Infrastructure.Postgres;

namespace TechCourse.Admin.Tests.Support;

// One real PostgreSQL server per test run: TECHCOURSE_TEST_DB if set, else a Testcontainers container when a Docker
// engine answers, else a throwaway cluster from the local server binaries. Every test class clones a migrated template.
public sealed class PostgresServer
{
    public const string TemplateDatabase = "techcourse_template";
    private static readonly Lazy<Task<PostgresServer>> Shared = new(StartAsync);
    private readonly NpgsqlConnectionStringBuilder server;

    private PostgresServer(string serverConnectionString, string description, string? binDirectory)
    {
        server = new NpgsqlConnectionStringBuilder(serverConnectionString) { Pooling = false };
        Description = description;
        BinDirectory = binDirectory;
    }

    public string Description { get; }
    public string? BinDirectory { get; }

    public static Task<PostgresServer> InstanceAsync() => Shared.Value;

    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = database, Pooling = true }.ConnectionString;

    public NpgsqlConnectionStringBuilder ServerSettings => new(server.ConnectionString);

    public async Task<string> CreateDatabaseAsync(bool migrated = true)
    {
        var name = $"t_{Guid.NewGuid():N}";
        await ExecuteOnServerAsync(migrated ? $"CREATE DATABASE {name} TEMPLATE {TemplateDatabase}" : $"CREATE DATABASE {name}");
        return name;
    }

    public Task DropDatabaseAsync(string name) => ExecuteOnServerAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");

    private async Task ExecuteOnServerAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await connection.ExecuteAsync(sql);
    }

    private static async Task<PostgresServer> StartAsync()
    {
        var instance = await ConnectAsync();
        await using (var connection = new NpgsqlConnection(instance.server.ConnectionString))
        {
            await connection.OpenAsync();
            await connection.ExecuteAsync($"DROP DATABASE IF EXISTS {TemplateDatabase} WITH (FORCE)");
            await connection.ExecuteAsync($"CREATE DATABASE {TemplateDatabase}");
        }
        var templateConnection = new NpgsqlConnectionStringBuilder(instance.server.ConnectionString) { Database = TemplateDatabase, Pooling = false }.ConnectionString;
        Migrator.Apply(templateConnection, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        return instance;
    }

    private static async Task<PostgresServer> ConnectAsync()
    {
        var external = Environment.GetEnvironmentVariable("TECHCOURSE_TEST_DB");
        if (!string.IsNullOrWhiteSpace(external))
            return new PostgresServer(new NpgsqlConnectionStringBuilder(external) { Database = "postgres" }.ConnectionString, "TECHCOURSE_TEST_DB", null);

        try
        {
            var container = new PostgreSqlBuilder("postgres:15-alpine").Build();
            await container.StartAsync();
            AppDomain.CurrentDomain.ProcessExit += (_, _) => container.DisposeAsync().AsTask().GetAwaiter().GetResult();
            return new PostgresServer(new NpgsqlConnectionStringBuilder(container.GetConnectionString()) { Database = "postgres" }.ConnectionString, "Testcontainers", null);
        }
        catch (Exception e) when (e is DockerUnavailableException or ArgumentException or InvalidOperationException or TimeoutException)
        {
            // No Docker engine here: fall back to a throwaway cluster from the local PostgreSQL server binaries.
        }

        var root = Path.Combine(Path.GetTempPath(), $"tc-test-{Guid.NewGuid():N}"[..20]);
        var cluster = await LocalPostgresCluster.StartAsync(new LocalClusterSettings(root, Throwaway: true)
        {
            ServerSettings = new Dictionary<string, string> { ["max_connections"] = "300" },
        });
        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.StopAsync().GetAwaiter().GetResult();
        return new PostgresServer(cluster.ConnectionString(), $"local cluster {root}", cluster.BinDirectory);
    }
}
