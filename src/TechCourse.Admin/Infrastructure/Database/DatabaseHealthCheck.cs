using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace TechCourse.Admin.Infrastructure.Database;

// Ready only when the database answers and every embedded migration is in its journal.
public sealed class DatabaseHealthCheck(DatabaseConnections connections, NpgsqlDataSource dataSource, DatabaseStatus? status = null) : IHealthCheck
{
    private volatile bool migrationsSeenApplied;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (status is { IsReady: false })
            return HealthCheckResult.Unhealthy($"{DatabaseStatus.UnavailableMessage} ({status.Problem ?? "connecting"})");
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            if (!migrationsSeenApplied)
            {
                var pending = await Task.Run(() => Migrator.Pending(connections.Migrations), cancellationToken);
                if (pending.Count > 0) return HealthCheckResult.Unhealthy($"Migrations not applied: {string.Join(", ", pending)}");
                migrationsSeenApplied = true;
            }
            return HealthCheckResult.Healthy("Database answers and migrations are applied.");
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            // Tell the pages at once rather than at the monitor's next poll; the monitor reports it ready again.
            status?.ReportUnavailable(e.Message);
            return HealthCheckResult.Unhealthy("Database unavailable.", e);
        }
    }
}
