using Npgsql;

namespace TechCourse.Admin.Features.Sales;

/// Folds the sales deltas into the rollups about every second, so reads add only a few unfolded deltas. Several app
/// instances may run it: the database lets one fold at a time and the others skip that round.
public sealed class SalesFolder(NpgsqlDataSource dataSource, ILogger<SalesFolder> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = Interval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                var folded = await SalesRollups.TryFoldAsync(connection, stoppingToken);
                delay = folded == SalesRollups.FoldBatch ? TimeSpan.Zero : Interval;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                delay = delay < Interval ? Interval : TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxBackoff.Ticks));
                logger.LogWarning("Folding the sales deltas failed ({Error}); retrying in {Delay}", e.Message, delay);
            }
            try { await Task.Delay(delay, stoppingToken); } catch (OperationCanceledException) { break; }
        }
    }
}
