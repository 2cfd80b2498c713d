using Microsoft.Extensions.Options;
using Npgsql;
using TechCourse.Admin.Infrastructure.Reliability;

namespace TechCourse.Admin.Infrastructure.Database;

// Applies pending migrations once the database answers, then keeps probing it so the app notices an outage and its
// end without a restart. A migration script that fails on a healthy server is retried too (an operator may fix it).
public sealed class DatabaseMonitor(DatabaseConnections connections, NpgsqlDataSource dataSource, DatabaseStatus status, IOptions<DatabaseOptions> options,
    ILogger<DatabaseMonitor> logger) : BackgroundService
{
    private bool migrated = connections.Embedded;

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var probeInterval = TimeSpan.FromSeconds(options.Value.ProbeIntervalSeconds);
        var retry = new BackgroundRetry(logger, "Reaching the database", TimeSpan.FromSeconds(options.Value.MaxRetryDelaySeconds));
        return retry.RepeatAsync(async ct =>
        {
            try
            {
                await CheckOnceAsync(ct);
                return probeInterval;
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                status.ReportUnavailable(e is MigrationFailedException { InnerException: PostgresException } ? e.Message : (e.InnerException ?? e).Message);
                throw;
            }
        }, stoppingToken);
    }

    public async Task CheckOnceAsync(CancellationToken ct)
    {
        if (!migrated)
        {
            await MigrationStartup.ApplyAsync(connections.Migrations, logger, ct);
            migrated = true;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        await using var command = dataSource.CreateCommand("SELECT 1");
        await command.ExecuteScalarAsync(timeout.Token);
        if (!status.IsReady) logger.LogInformation("Database available");
        status.ReportReady();
    }
}
