using Dapper;
using Npgsql;
using TechCourse.Admin.Infrastructure.DemoData;
using TechCourse.Admin.Infrastructure.Postgres;

namespace TechCourse.Admin.Infrastructure.Database;

/// Finds or starts the database, applies migrations and, for a fresh embedded cluster, loads demo data.
public sealed class DatabaseStartup : IAsyncDisposable
{
    public const string EmbeddedDatabaseName = "techcourse";
    private readonly LocalPostgresCluster? cluster;

    private DatabaseStartup(DatabaseConnections connections, LocalPostgresCluster? cluster)
    {
        Connections = connections;
        this.cluster = cluster;
    }

    public const string EmbeddedRuntimeLogin = "techcourse_runtime";

    public DatabaseConnections Connections { get; private set; }

    public static async Task<DatabaseStartup> ConnectAsync(IConfiguration configuration, string contentRoot, ILogger logger, CancellationToken ct)
    {
        var runtime = configuration.GetConnectionString("TechCourse");
        if (!string.IsNullOrWhiteSpace(runtime))
        {
            var migrations = configuration.GetConnectionString("TechCourseMigrations");
            return new DatabaseStartup(new DatabaseConnections(runtime, string.IsNullOrWhiteSpace(migrations) ? runtime : migrations, Embedded: false), null);
        }

        var options = configuration.GetSection("EmbeddedPostgres");
        var root = Path.GetFullPath(Path.Combine(contentRoot, options["DataDirectory"] ?? ".data/postgres"));
        logger.LogInformation("ConnectionStrings:TechCourse is empty: using the embedded PostgreSQL cluster in {Root}", root);
        var cluster = await LocalPostgresCluster.StartAsync(new LocalClusterSettings(root, options["BinDirectory"]), ct);
        logger.LogInformation(cluster.OwnsServer ? "Embedded PostgreSQL started on 127.0.0.1:{Port}" : "Embedded PostgreSQL already running on 127.0.0.1:{Port}; sharing it", cluster.Port);
        await EnsureDatabaseAsync(cluster.ConnectionString(), EmbeddedDatabaseName, ct);
        var owner = cluster.ConnectionString(EmbeddedDatabaseName);
        return new DatabaseStartup(new DatabaseConnections(owner, owner, Embedded: true), cluster);
    }

    public async Task MigrateAsync(ILogger logger, CancellationToken ct)
    {
        var applied = await Task.Run(() => Migrator.Apply(Connections.Migrations, logger), ct);
        if (applied.Count > 0) logger.LogInformation("Applied migrations: {Scripts}", string.Join(", ", applied));
        var unfinished = await BulkLoader.FinishInterruptedAsync(Connections.Migrations, ct);
        if (unfinished > 0) logger.LogWarning("Finished an interrupted bulk load: {Statements} index, key and rollup rebuilds were still pending", unfinished);
        if (cluster is not null) Connections = Connections with { Runtime = await EnsureRuntimeLoginAsync(cluster, ct) };
    }

    /// The embedded default's pages connect as a login in the techcourse_app group, never as the owner.
    private static async Task<string> EnsureRuntimeLoginAsync(LocalPostgresCluster cluster, CancellationToken ct)
    {
        var password = SecretFile.ReadOrCreate(Path.Combine(cluster.RootDirectory, "runtime.password"));
        await using var connection = new NpgsqlConnection(cluster.ConnectionString(EmbeddedDatabaseName));
        await connection.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition($"""
            DO $$ BEGIN
                IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{EmbeddedRuntimeLogin}') THEN CREATE ROLE {EmbeddedRuntimeLogin} LOGIN; END IF;
            END $$;
            ALTER ROLE {EmbeddedRuntimeLogin} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '{password}';
            GRANT techcourse_app TO {EmbeddedRuntimeLogin};
            GRANT CONNECT ON DATABASE {EmbeddedDatabaseName} TO {EmbeddedRuntimeLogin};
            """, cancellationToken: ct));
        return new NpgsqlConnectionStringBuilder(cluster.ConnectionString(EmbeddedDatabaseName)) { Username = EmbeddedRuntimeLogin, Password = password }.ConnectionString;
    }

    public async Task LoadDemoDataIfEmptyAsync(ILogger logger, bool withDemoAccounts, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(Connections.Migrations);
        await connection.OpenAsync(ct);
        if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT EXISTS (SELECT 1 FROM users)", cancellationToken: ct))) return;
        logger.LogInformation("Empty database: loading demo data (seed {Seed})", DemoDataDefaults.Seed);
        var report = await BulkLoader.LoadAsync(Connections.Migrations, DemoDataDefaults.Generator(DateTimeOffset.UtcNow), ct);
        logger.LogInformation("Demo data loaded: {Users} users, {Courses} courses, {Enrollments} enrollments, {Changes} price changes in {Seconds:F1} s",
            report.Users, report.Courses, report.Enrollments, report.PriceChanges, report.Total.TotalSeconds);
        if (!withDemoAccounts) return;
        foreach (var (email, role, password) in Auth.DemoAccounts.All)
            await Auth.StaffAccounts.CreateOrResetAsync(connection, email, role, password, ct);
        logger.LogInformation("Demo sign-ins: {Accounts}", string.Join(", ", Auth.DemoAccounts.All.Select(a => $"{a.Email} / {a.Password}")));
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

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (cluster is not null) await cluster.DisposeAsync();
    }
}
