using System.Net.Sockets;
using Npgsql;

namespace TechCourse.Admin.Infrastructure.Database;

/// Applies pending migrations once the database answers (retrying while it does not), then keeps probing it so the
/// app notices an outage and its end without a restart.
public sealed class DatabaseMonitor(DatabaseConnections connections, NpgsqlDataSource dataSource, DatabaseStatus status, IConfiguration configuration, ILogger<DatabaseMonitor> logger)
    : BackgroundService
{
    private bool migrated = connections.Embedded;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var probeInterval = TimeSpan.FromSeconds(configuration.GetValue("Database:ProbeIntervalSeconds", 5.0));
        var retryDelay = TimeSpan.FromSeconds(1);
        var maxRetryDelay = TimeSpan.FromSeconds(configuration.GetValue("Database:MaxRetryDelaySeconds", 15.0));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await CheckOnceAsync(stoppingToken);
                retryDelay = TimeSpan.FromSeconds(1);
                await Task.Delay(probeInterval, stoppingToken);
            }
            catch (Exception e) when (IsUnavailable(e) && !stoppingToken.IsCancellationRequested)
            {
                if (status.State != DatabaseState.Unavailable)
                    logger.LogWarning("Database unavailable ({Problem}); retrying every {Delay:F0} s or less", Describe(e), maxRetryDelay.TotalSeconds);
                status.ReportUnavailable(Describe(e));
                await Task.Delay(retryDelay, stoppingToken);
                retryDelay = TimeSpan.FromTicks(Math.Min(retryDelay.Ticks * 2, maxRetryDelay.Ticks));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    public async Task CheckOnceAsync(CancellationToken ct)
    {
        if (!migrated)
        {
            var applied = await Task.Run(() => Migrator.Apply(connections.Migrations, logger), ct);
            if (applied.Count > 0) logger.LogInformation("Applied migrations: {Scripts}", string.Join(", ", applied));
            migrated = true;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        await using var command = dataSource.CreateCommand("SELECT 1");
        await command.ExecuteScalarAsync(timeout.Token);
        if (!status.IsReady) logger.LogInformation("Database available");
        status.ReportReady();
    }

    /// Connection failures, a server shutting down or starting, and migrations that could not reach it are retried;
    /// a migration script that fails on a healthy server is retried too (an operator may fix it) but logged as an error.
    public static bool IsUnavailable(Exception e) => e switch
    {
        MigrationFailedException { InnerException: { } inner } => IsUnavailable(inner) || inner is PostgresException,
        PostgresException p => p.SqlState.StartsWith("08", StringComparison.Ordinal) || p.SqlState.StartsWith("57P", StringComparison.Ordinal) || p.SqlState == "53300",
        NpgsqlException or SocketException or TimeoutException or IOException => true,
        OperationCanceledException => true,
        _ => false,
    };

    private static string Describe(Exception e) => e is MigrationFailedException { InnerException: PostgresException } ? e.Message : (e.InnerException ?? e).Message;
}
