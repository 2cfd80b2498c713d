using Npgsql;
using TechCourse.Admin.Infrastructure.Database;
using TechCourse.Admin.Infrastructure.Reliability;

namespace TechCourse.Admin.Features.Sales;

// Folds the sales deltas into the rollups about every second, so reads add only a few unfolded deltas. Several app
// instances may run it: the database lets one fold at a time and the others skip that round. While the runtime
// connection is unreachable or a standby there is nothing to fold: it waits quietly for a writable primary.
public sealed class SalesFolder(NpgsqlDataSource dataSource, DatabaseStatus status, ILogger<SalesFolder> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        new BackgroundRetry(logger, "Folding the sales deltas", TimeSpan.FromSeconds(30)).RepeatAsync(async ct =>
        {
            await status.WaitUntilWritableAsync(ct);
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            var folded = await SalesRollups.TryFoldAsync(connection, ct);
            return folded == SalesRollups.FoldBatch ? TimeSpan.Zero : Interval;
        }, stoppingToken);
}
