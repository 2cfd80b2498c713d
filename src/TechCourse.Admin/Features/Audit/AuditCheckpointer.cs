using Npgsql;
using TechCourse.Admin.Infrastructure.Database;

namespace TechCourse.Admin.Features.Audit;

// Writes a checkpoint of the audit chain every Audit:CheckpointIntervalSeconds (60) when it has grown since the newest
// one (the listener seals every second). When the database no longer matches the newest checkpoint none is written: the
// error is logged and shown to admins on the audit page until a checkpoint succeeds again.
public sealed class AuditCheckpointer(AuditIntegrity integrity, AuditLiveFeed feed, DatabaseStatus status, ILogger<AuditCheckpointer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(integrity.File.Options.Interval);
        do
        {
            try
            {
                await status.WaitUntilWritableAsync(stoppingToken);
                var outcome = await integrity.CheckpointAsync(AuditCheckpoint.Interval, stoppingToken);
                feed.SetIntegrityProblem(outcome.Refused.Count == 0 ? null : string.Join(" ", outcome.Refused));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException or UnauthorizedAccessException or InvalidDataException)
            {
                logger.LogWarning("Writing an audit checkpoint failed ({Error}); trying again in {Interval}", e.Message, integrity.File.Options.Interval);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
