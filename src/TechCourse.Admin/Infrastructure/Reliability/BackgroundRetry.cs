using Polly;
using Polly.Retry;
using TechCourse.Admin.Infrastructure.Database;

namespace TechCourse.Admin.Infrastructure.Reliability;

// The one retry policy of the background services (database monitor, audit listener and sealer, sales folder): each
// repeats a round of work; a failed round is tried again after an exponential, jittered delay up to maxDelay, for as
// long as the app runs. A transient failure is logged once per streak (the database may be down for a while); any
// other failure is a bug and is logged as an error every time, without stopping the app.
public sealed class BackgroundRetry(ILogger logger, string work, TimeSpan maxDelay)
{
    private readonly ResiliencePipeline pipeline = new ResiliencePipelineBuilder().AddRetry(new RetryStrategyOptions
    {
        ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is not null && !args.Context.CancellationToken.IsCancellationRequested),
        MaxRetryAttempts = int.MaxValue,
        BackoffType = DelayBackoffType.Exponential,
        UseJitter = true,
        Delay = TimeSpan.FromMilliseconds(500),
        MaxDelay = maxDelay,
        OnRetry = args =>
        {
            var error = args.Outcome.Exception!;
            if (!DatabaseErrors.IsTransient(error) && !DatabaseErrors.IsReadOnly(error)) logger.LogError(error, "{Work} failed; retrying in {Delay}", work, args.RetryDelay);
            else if (args.AttemptNumber == 0) logger.LogWarning("{Work} failed ({Problem}); retrying every {MaxDelay} or sooner", work, error.Message, maxDelay);
            return default;
        },
    }).Build();

    // round returns how long to wait before the next one.
    public async Task RepeatAsync(Func<CancellationToken, ValueTask<TimeSpan>> round, CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var pause = await pipeline.ExecuteAsync(round, stoppingToken);
                if (pause > TimeSpan.Zero) await Task.Delay(pause, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
