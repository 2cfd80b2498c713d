using Microsoft.Extensions.Options;
using Npgsql;
using TechCourse.Admin.Infrastructure.Database;
using TechCourse.Admin.Infrastructure.Reliability;

namespace TechCourse.Admin.Features.Campaigns;

// Runs the campaigns' due steps (starts and ends). The database is the only source of truth: what is due is read from
// price_campaigns on every round, and each step claims its campaign in the transaction that runs it (FOR UPDATE SKIP
// LOCKED), so several app instances never run a step twice, a step cut short by a crash is undone and runs again on a
// later round, and a restart picks up whatever fell due meanwhile. Due steps run StepsPerTransaction to a transaction
// (one statement, each step in its own subtransaction): many campaigns falling due at once cost one commit and one round
// trip per batch, not one per campaign. It looks again at least every PollInterval, and exactly
// when a step falls due sooner; a round that ran steps is followed at once by the next. A database that does not
// answer fails the round, which BackgroundRetry repeats; a step the database refuses for another reason (a bug, a
// constraint) is undone and that campaign alone waits longer and longer before it is tried again.
public sealed class CampaignScheduler(CampaignSteps steps, IOptions<CampaignSettings> options, ILogger<CampaignScheduler> logger, CampaignFeed? feed = null,
    DatabaseStatus? status = null)
    : BackgroundService
{
    private const int BatchSize = 500;
    // Small enough that the courses of a batch stay locked only briefly for a hand edit that comes at the same moment.
    private const int StepsPerTransaction = 20;
    private static readonly TimeSpan FirstCampaignBackoff = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxCampaignBackoff = TimeSpan.FromMinutes(5);
    private readonly Dictionary<int, (DateTimeOffset RetryAt, TimeSpan Delay)> failing = [];

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        new BackgroundRetry(logger, "Running the due price campaign steps", TimeSpan.FromSeconds(options.Value.MaxRetryDelaySeconds))
            .RepeatAsync(async ct =>
            {
                // Like the other background writers: quiet until the database is known to accept writes.
                if (status is not null) await status.WaitUntilWritableAsync(ct);
                return await RoundAsync(ct);
            }, stoppingToken);

    // Runs every due step it can, several at once; returns how long to wait before the next round.
    public async Task<TimeSpan> RoundAsync(CancellationToken ct)
    {
        var settings = options.Value;
        var due = await steps.DueAsync(BatchSize, ct);
        var now = DateTimeOffset.UtcNow;
        List<int> runnable;
        lock (failing) runnable = due.Where(id => !failing.TryGetValue(id, out var f) || f.RetryAt <= now).ToList();
        var ran = 0;
        await Parallel.ForEachAsync(runnable.Chunk(StepsPerTransaction), new ParallelOptions { MaxDegreeOfParallelism = settings.Workers, CancellationToken = ct },
            async (ids, token) => Interlocked.Add(ref ran, await RunAsync(ids, token)));
        if (ran > 0) return TimeSpan.Zero;
        // Due but not runnable now (another instance has it, it waits for an earlier step, or it failed): look again later.
        if (due.Count > 0) return settings.PollInterval;
        var next = await steps.NextDueInAsync(ct);
        return next is { } wait && wait < settings.PollInterval ? wait : settings.PollInterval;
    }

    // Runs a batch of steps; returns how many ran. Each is told only after the batch committed.
    private async Task<int> RunAsync(int[] campaignIds, CancellationToken ct)
    {
        var ran = 0;
        foreach (var (campaignId, step, error) in await steps.RunAsync(campaignIds, ct))
        {
            if (error is not null)
            {
                Failed(campaignId, error);
                continue;
            }
            lock (failing) failing.Remove(campaignId);
            if (step is null) continue;
            ran++;
            feed?.Publish(step.CampaignId);
            logger.LogInformation("Price campaign {CampaignId}: {Step} due {DueAt:o} ran {Late} ms late: {Changed} changed, {Skipped} skipped, {Kept} kept",
                step.CampaignId, step.Step, step.DueAt, (long)(DateTimeOffset.UtcNow - step.DueAt).TotalMilliseconds, step.Changed, step.Skipped, step.Kept);
        }
        return ran;
    }

    private void Failed(int campaignId, CampaignStepError e)
    {
        if (e.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected)
        {
            logger.LogInformation("Price campaign {CampaignId}: its step met another transaction ({Error}); it runs again on the next round", campaignId, e.Message);
            return;
        }
        TimeSpan delay;
        lock (failing)
        {
            delay = failing.TryGetValue(campaignId, out var f) ? TimeSpan.FromTicks(Math.Min(f.Delay.Ticks * 2, MaxCampaignBackoff.Ticks)) : FirstCampaignBackoff;
            failing[campaignId] = (DateTimeOffset.UtcNow + delay, delay);
        }
        logger.LogError("Price campaign {CampaignId}: its step failed and was undone ({SqlState} {Constraint}: {Error}); trying again in {Delay}",
            campaignId, e.SqlState, e.ConstraintName, e.Message, delay);
    }
}
