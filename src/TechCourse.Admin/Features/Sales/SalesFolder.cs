using Npgsql;
using TechCourse.Admin.Infrastructure.Database;
using TechCourse.Admin.Infrastructure.Reliability;
using TechCourse.Admin.Infrastructure.Time;

namespace TechCourse.Admin.Features.Sales;

// Folds the sales deltas into the rollups every whole second, so reads add only a few unfolded deltas. Several app
// instances may run it: the database lets one fold at a time and the others skip that round. On the whole second, like
// the audit sealer: the fold and the seal announce their changes to the home pages at the same instant each second, so
// the home pages hear one burst a second and read right after it, where two cadences stretched by their own rounds
// drift apart and hold the reads back. While the runtime connection is unreachable or a standby there is nothing to
// fold: it waits quietly for a writable primary.
public sealed class SalesFolder(NpgsqlDataSource dataSource, DatabaseStatus status, SalesFoldProgress progress, ILogger<SalesFolder> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        new BackgroundRetry(logger, "Folding the sales deltas", TimeSpan.FromSeconds(30)).RepeatAsync(async ct =>
        {
            await status.WaitUntilWritableAsync(ct);
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            var folded = await SalesRollups.TryFoldAsync(connection, ct);
            progress.Round(folded);
            return folded == SalesRollups.FoldBatch ? TimeSpan.Zero : Ticks.UntilNext(Interval);
        }, stoppingToken);
}

// What the folder has done, for the fold lag metric: when a round last finished (folding, or finding another instance
// folding) and how many deltas this instance folded.
public sealed class SalesFoldProgress
{
    private long lastRoundAt;
    private long folded;

    public TimeSpan? SinceLastRound => Interlocked.Read(ref lastRoundAt) is var at and not 0 ? System.Diagnostics.Stopwatch.GetElapsedTime(at) : null;
    public long Folded => Interlocked.Read(ref folded);

    public void Round(long? foldedNow)
    {
        Interlocked.Add(ref folded, foldedNow ?? 0);
        Interlocked.Exchange(ref lastRoundAt, System.Diagnostics.Stopwatch.GetTimestamp());
    }
}
