using Microsoft.Extensions.Options;
using Npgsql;
using TechCourse.Admin.Infrastructure.Database;

namespace TechCourse.Admin.Features.Campaigns;

public sealed record CampaignOptions
{
    public const string Section = "Campaigns";

    /// How often the scheduler looks for due steps when none is due sooner (a step due within it is waited for exactly).
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// Steps of different campaigns run at once (each in its own transaction on its own connection).
    public int Workers { get; init; } = 2;
}

/// Runs the campaigns' due steps (starts and ends). The database is the only source of truth: what is due is read from
/// price_campaigns on every round, and each step runs in one transaction that claims it (FOR UPDATE SKIP LOCKED), so
/// several app instances never run a step twice, a step cut short by a crash is undone and runs again on a later
/// round, and a restart picks up whatever fell due meanwhile. It looks again at least every PollInterval, and exactly
/// when a step falls due sooner; a round that ran steps is followed at once by the next.
public sealed class CampaignScheduler(CampaignSteps steps, IOptions<CampaignOptions> options, ILogger<CampaignScheduler> logger, CampaignFeed? feed = null)
    : BackgroundService
{
    private const int BatchSize = 500;
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxCampaignBackoff = TimeSpan.FromMinutes(5);
    // A campaign whose step failed for a reason retrying at once will not mend: when it may be tried again.
    private readonly Dictionary<int, (DateTimeOffset RetryAt, TimeSpan Delay)> failing = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.Zero;
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan pause;
            try
            {
                pause = await RoundAsync(stoppingToken);
                backoff = TimeSpan.Zero;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                backoff = backoff == TimeSpan.Zero ? TimeSpan.FromMilliseconds(500) : TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
                logger.LogWarning("Running the due price campaign steps failed ({Error}); retrying in {Delay}", e.Message, backoff);
                pause = backoff;
            }
            try { await Task.Delay(pause, stoppingToken); } catch (OperationCanceledException) { break; }
        }
    }

    /// Runs every due step it can, several at once; returns how long to wait before the next round.
    public async Task<TimeSpan> RoundAsync(CancellationToken ct)
    {
        var settings = options.Value;
        var due = await steps.DueAsync(BatchSize, ct);
        var now = DateTimeOffset.UtcNow;
        List<int> runnable;
        lock (failing) runnable = due.Where(id => !failing.TryGetValue(id, out var f) || f.RetryAt <= now).ToList();
        var ran = 0;
        await Parallel.ForEachAsync(runnable, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, settings.Workers), CancellationToken = ct },
            async (id, token) =>
            {
                if (await RunAsync(id, token)) Interlocked.Increment(ref ran);
            });
        if (ran > 0) return TimeSpan.Zero;
        // Due but not runnable now (another instance has it, it waits for an earlier step, or it failed): look again later.
        if (due.Count > 0) return settings.PollInterval;
        var next = await steps.NextDueInAsync(ct);
        return next is { } wait && wait < settings.PollInterval ? wait : settings.PollInterval;
    }

    private async Task<bool> RunAsync(int campaignId, CancellationToken ct)
    {
        try
        {
            var step = await steps.RunAsync(campaignId, ct);
            lock (failing) failing.Remove(campaignId);
            if (step is null) return false;
            feed?.Publish(step.CampaignId);
            logger.LogInformation("Price campaign {CampaignId}: {Step} due {DueAt:o} ran {Late} ms late: {Changed} changed, {Skipped} skipped, {Kept} kept",
                step.CampaignId, step.Step, step.DueAt, (long)(DateTimeOffset.UtcNow - step.DueAt).TotalMilliseconds, step.Changed, step.Skipped, step.Kept);
            return true;
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected)
        {
            logger.LogInformation("Price campaign {CampaignId}: its step met another transaction ({Error}); it runs again on the next round", campaignId, e.MessageText);
            return false;
        }
        catch (PostgresException e) when (DatabaseErrors.Describe(e) is not { Message: DatabaseErrors.Unavailable })
        {
            TimeSpan delay;
            lock (failing)
            {
                delay = failing.TryGetValue(campaignId, out var f) ? TimeSpan.FromTicks(Math.Min(f.Delay.Ticks * 2, MaxCampaignBackoff.Ticks)) : TimeSpan.FromSeconds(5);
                failing[campaignId] = (DateTimeOffset.UtcNow + delay, delay);
            }
            logger.LogError(e, "Price campaign {CampaignId}: its step failed and was undone; trying again in {Delay}", campaignId, delay);
            return false;
        }
    }
}
