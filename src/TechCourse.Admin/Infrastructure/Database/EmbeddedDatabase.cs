using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using TechCourse.Admin.Infrastructure.Postgres;

namespace TechCourse.Admin.Infrastructure.Database;

// The app's own cluster, used when ConnectionStrings:TechCourse is empty. Its connection strings (port and passwords)
// are fixed when this is created, before the server runs, so every singleton, hosted services included, can take the
// one NpgsqlDataSource in its constructor: the host builds them all before the first one starts.
public sealed class EmbeddedDatabase : IAsyncDisposable
{
    public const string DatabaseName = "techcourse";
    public const string RuntimeLogin = "techcourse_runtime";
    private readonly LocalClusterSettings settings;
    private readonly string runtimePassword;
    private readonly ILogger<EmbeddedDatabase> logger;
    private LocalPostgresCluster? cluster;

    public EmbeddedDatabase(IOptions<EmbeddedPostgresOptions> options, IHostEnvironment environment, ILogger<EmbeddedDatabase> logger)
    {
        this.logger = logger;
        var root = Path.GetFullPath(Path.Combine(environment.ContentRootPath, options.Value.DataDirectory));
        Directory.CreateDirectory(root);
        var bin = string.IsNullOrWhiteSpace(options.Value.BinDirectory) ? null : options.Value.BinDirectory;
        settings = new LocalClusterSettings(root, bin) { Port = LocalPostgresCluster.PlanPort(root) };
        var superuserPassword = SecretFile.ReadOrCreate(Path.Combine(root, LocalPostgresCluster.SuperuserPasswordFile));
        runtimePassword = SecretFile.ReadOrCreate(Path.Combine(root, "runtime.password"));
        var owner = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1", Port = settings.Port.Value, Username = LocalPostgresCluster.Superuser, Password = superuserPassword, Database = DatabaseName,
        };
        var runtime = new NpgsqlConnectionStringBuilder(owner.ConnectionString) { Username = RuntimeLogin, Password = runtimePassword };
        Connections = new DatabaseConnections(runtime.ConnectionString, owner.ConnectionString, Embedded: true);
    }

    public DatabaseConnections Connections { get; }

    public async Task StartAsync(CancellationToken ct)
    {
        logger.LogInformation("ConnectionStrings:TechCourse is empty: using the embedded PostgreSQL cluster in {Root}", settings.RootDirectory);
        cluster = await LocalPostgresCluster.StartAsync(settings, ct);
        logger.LogInformation(cluster.OwnsServer ? "Embedded PostgreSQL started on 127.0.0.1:{Port}" : "Embedded PostgreSQL already running on 127.0.0.1:{Port}; sharing it", cluster.Port);
        await EnsureDatabaseAsync(cluster.ConnectionString(), DatabaseName, ct);
    }

    // The pages connect as a login in the techcourse_app group, never as the owner.
    public async Task EnsureRuntimeLoginAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(Connections.Migrations);
        await connection.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition($"""
            DO $$ BEGIN
                IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{RuntimeLogin}') THEN CREATE ROLE {RuntimeLogin} LOGIN; END IF;
            END $$;
            ALTER ROLE {RuntimeLogin} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '{runtimePassword}';
            GRANT techcourse_app TO {RuntimeLogin};
            GRANT CONNECT ON DATABASE {DatabaseName} TO {RuntimeLogin};
            """, cancellationToken: ct));
    }

    public static async Task EnsureDatabaseAsync(string serverConnectionString, string database, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(serverConnectionString);
        await connection.OpenAsync(ct);
        var exists = await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = @database)", new { database }, cancellationToken: ct));
        if (!exists)
            await connection.ExecuteAsync(new CommandDefinition($"CREATE DATABASE \"{database}\"", cancellationToken: ct));
    }

    // Safe to call at once from two stops of the host: both wait for the cluster's one stop.
    public async Task StopAsync()
    {
        if (cluster is not { } running) return;
        NpgsqlConnection.ClearAllPools();
        await running.StopAsync();
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
