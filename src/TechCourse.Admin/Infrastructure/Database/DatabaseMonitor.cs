using Microsoft.Extensions.Options;
using Npgsql;
using TechCourse.Admin.Infrastructure.Reliability;

namespace TechCourse.Admin.Infrastructure.Database;

// Keeps probing the runtime connection so the app notices an outage, its end and a standby without a restart, and
// applies pending migrations through the owner connection until that succeeds once. Pages depend only on the runtime
// connection: an unreachable owner connection is reported on /health/ready and retried at the next probe, but never
// marks the pages unavailable. A migration script that fails on a healthy server does (the schema is not what the
// pages expect), and is retried too (an operator may fix it).
public sealed class DatabaseMonitor(DatabaseConnections connections, NpgsqlDataSource dataSource, DatabaseStatus status, IOptions<DatabaseOptions> options,
    ILogger<DatabaseMonitor> logger) : BackgroundService
{
    private bool timeoutChecked;

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
        if (connections.Embedded && !status.MigrationsApplied) status.ReportMigrated();
        var migrationFailure = status.MigrationsApplied ? null : await TryMigrateAsync(ct);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        await using var command = dataSource.CreateCommand("SELECT pg_is_in_recovery()");
        var standby = (bool)(await command.ExecuteScalarAsync(timeout.Token))!;
        if (migrationFailure is not null) throw migrationFailure;
        if (!status.IsReady) logger.LogInformation("Database available{Standby}", standby ? " (a read-only standby: background writers wait)" : "");
        else if (standby != status.IsStandby) logger.LogWarning(standby ? "The runtime database is now a read-only standby" : "The runtime database accepts writes again");
        // The runtime login's statement timeout is its default before any background writer opens a session (they wait
        // for ReportReady): a session opened earlier, kept by PgBouncer, would run without it.
        if (!standby && !timeoutChecked) await EnsureStatementTimeoutAsync(ct);
        status.ReportReady(standby);
    }

    // Null when applied, or when only the owner connection is unreachable (remembered for /health/ready); the failure
    // of a script on a server that answers is returned, for the round to report after probing.
    private async Task<Exception?> TryMigrateAsync(CancellationToken ct)
    {
        try
        {
            await MigrationStartup.ApplyAsync(connections.Migrations, logger, ct);
            status.ReportMigrated();
            return null;
        }
        catch (Exception e) when (!ct.IsCancellationRequested && DatabaseErrors.IsTransient(e))
        {
            if (status.MigrationProblem is null) logger.LogWarning("The owner connection does not answer, so pending migrations wait ({Problem})", (e.InnerException ?? e).Message);
            status.ReportMigrationProblem($"owner connection: {(e.InnerException ?? e).Message}");
            return null;
        }
        catch (MigrationFailedException e)
        {
            return e;
        }
    }

    private async Task EnsureStatementTimeoutAsync(CancellationToken ct)
    {
        timeoutChecked = true;
        var seconds = options.Value.StatementTimeoutSeconds;
        if (RuntimeStatementTimeout.SharesOwnerLogin(connections))
        {
            if (seconds > 0)
                logger.LogWarning("The runtime connection signs in as the schema owner, so Database:StatementTimeoutSeconds is enforced only by the client's command timeout");
            return;
        }
        var outcome = await RuntimeStatementTimeout.EnsureAsync(dataSource, seconds, ct);
        if (outcome == RuntimeStatementTimeout.Outcome.Set)
            logger.LogInformation("Set the runtime login's statement_timeout to {Seconds} s in this database (new server sessions start with it)", seconds);
    }
}
