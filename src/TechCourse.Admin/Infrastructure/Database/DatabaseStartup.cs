using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using TechCourse.Admin.Infrastructure.DemoData;

namespace TechCourse.Admin.Infrastructure.Database;

// The start-up work, as hosted services the host starts one after another before the web server listens (and before
// a verb runs). A failure ends the start with one line (StartupFailure); a stop signal cancels the step under way.
// An external server may be down at start: the web app leaves its migrations to DatabaseMonitor, which retries.
public sealed record DatabaseStartupWork(bool MigrateExternalDatabase, bool LoadDemoData);

public sealed class EmbeddedClusterStartup(EmbeddedDatabase? embedded) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => embedded?.StartAsync(cancellationToken) ?? Task.CompletedTask;

    // Registered first, so stopped last: after the web server and the background services.
    public Task StopAsync(CancellationToken cancellationToken) => embedded?.StopAsync() ?? Task.CompletedTask;
}

public sealed class MigrationStartup(DatabaseConnections connections, DatabaseStartupWork work, DatabaseStatus status, ILogger<MigrationStartup> logger) : IHostedService
{
    public IReadOnlyList<string> Applied { get; private set; } = [];
    public int FinishedRebuilds { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!connections.Embedded && !work.MigrateExternalDatabase) return;
        (Applied, FinishedRebuilds) = await ApplyAsync(connections.Migrations, logger, cancellationToken);
        status.ReportMigrated();
        status.ReportReady();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // Pending scripts, then whatever an interrupted bulk load left to rebuild (its README promise: the next start finishes it).
    public static async Task<(IReadOnlyList<string> Applied, int FinishedRebuilds)> ApplyAsync(string ownerConnection, ILogger logger, CancellationToken ct)
    {
        var applied = await Task.Run(() => Migrator.Apply(ownerConnection, logger), ct);
        if (applied.Count > 0) logger.LogInformation("Applied migrations: {Scripts}", string.Join(", ", applied));
        var finished = await BulkLoader.FinishInterruptedAsync(ownerConnection, ct);
        if (finished > 0) logger.LogWarning("Finished an interrupted bulk load: {Statements} index, key and rollup rebuilds were still pending", finished);
        return (applied, finished);
    }
}

public sealed class RuntimeLoginStartup(EmbeddedDatabase? embedded) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => embedded?.EnsureRuntimeLoginAsync(cancellationToken) ?? Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

public sealed class DemoDataStartup(DatabaseConnections connections, DatabaseStartupWork work, IOptions<EmbeddedPostgresOptions> options, IHostEnvironment environment,
    ILogger<DemoDataStartup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        connections.Embedded && work.LoadDemoData && options.Value.LoadDemoData
            ? LoadIfEmptyAsync(connections.Migrations, withDemoAccounts: environment.IsDevelopment(), logger, cancellationToken)
            : Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // Demo sign-ins exist only in Development, where the sign-in page lists them.
    public static async Task LoadIfEmptyAsync(string ownerConnection, bool withDemoAccounts, ILogger logger, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(ownerConnection);
        await connection.OpenAsync(ct);
        if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition("SELECT EXISTS (SELECT 1 FROM users)", cancellationToken: ct))) return;
        logger.LogInformation("Empty database: loading demo data (seed {Seed})", DemoDataDefaults.Seed);
        var report = await BulkLoader.LoadAsync(ownerConnection, DemoDataDefaults.Generator(DateTimeOffset.UtcNow), ct);
        logger.LogInformation("Demo data loaded: {Users} users, {Courses} courses, {Enrollments} enrollments, {Changes} price changes in {Seconds:F1} s",
            report.Users, report.Courses, report.Enrollments, report.PriceChanges, report.Total.TotalSeconds);
        if (!withDemoAccounts) return;
        foreach (var (email, role, password) in Auth.DemoAccounts.All)
            await Auth.StaffAccounts.CreateOrResetAsync(connection, email, role, password, ct);
        logger.LogInformation("Demo sign-ins: {Accounts}", string.Join(", ", Auth.DemoAccounts.All.Select(a => $"{a.Email} / {a.Password}")));
    }
}
