using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace TechCourse.Admin.Infrastructure.Database;

// /health/ready: the runtime connection answers now and the migrations were seen applied (remembered by
// DatabaseStatus; the owner connection is never queried here). A standby answers reads only: Degraded.
public sealed class DatabaseHealthCheck(NpgsqlDataSource dataSource, DatabaseStatus status) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!status.IsReady)
            return HealthCheckResult.Unhealthy($"{DatabaseStatus.UnavailableMessage} ({status.Problem ?? "connecting"})");
        try
        {
            await using var command = dataSource.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            // Tell the pages at once rather than at the monitor's next poll; the monitor reports it ready again.
            status.ReportUnavailable(e.Message);
            return HealthCheckResult.Unhealthy("Database unavailable.", e);
        }
        if (!status.MigrationsApplied)
            return HealthCheckResult.Unhealthy($"Database answers, but the migrations are not known to be applied yet ({status.MigrationProblem ?? "checking"}).");
        if (status.IsStandby) return HealthCheckResult.Degraded(DatabaseStatus.StandbyMessage);
        return HealthCheckResult.Healthy("Database answers and migrations are applied.");
    }
}
