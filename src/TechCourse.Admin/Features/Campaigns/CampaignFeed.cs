namespace TechCourse.Admin.Features.Campaigns;

// Tells the open campaign pages of this app instance that a campaign moved on (a step ran, or someone scheduled, edited,
// cancelled or ended one here); steps run by another instance reach them through the audit log's live notices.
public sealed class CampaignFeed(ILogger<CampaignFeed> logger)
{
    private readonly Lock gate = new();
    private Func<int, Task>[] handlers = [];

    public IDisposable Subscribe(Func<int, Task> handler)
    {
        lock (gate) handlers = [.. handlers, handler];
        return new Subscription(() => { lock (gate) handlers = handlers.Where(h => h != handler).ToArray(); });
    }

    public void Publish(int campaignId)
    {
        foreach (var handler in handlers) _ = DeliverAsync(handler, campaignId);
    }

    private async Task DeliverAsync(Func<int, Task> handler, int campaignId)
    {
        try
        {
            await handler(campaignId);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "A campaign page failed to take the news of campaign {CampaignId}", campaignId);
        }
    }

    private sealed class Subscription(Action unsubscribe) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0) unsubscribe();
        }
    }
}
