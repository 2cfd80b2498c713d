using System.Diagnostics;

namespace TechCourse.Admin.Features.Audit;

public enum AuditNoticeKind { Entry, Sealed, Resync, LiveChanged }

// Sealed: entries FromSeq…ToSeq joined the chain (announced by the sealer, about once a second). Entry: one new
// entry, announced by the trigger when techcourse.audit_notify_each is on. Resync: the listener reconnected, so
// notifications may have been missed (also sent when the feed becomes live). LiveChanged: the feed stopped being live.
public sealed record AuditNotice(AuditNoticeKind Kind, int LogId = 0, int CourseId = 0, long FromSeq = 0, long ToSeq = 0);

// In-memory fan-out of the one LISTEN connection per app instance to every open timeline (circuit).
public sealed class AuditLiveFeed(ILogger<AuditLiveFeed> logger)
{
    private readonly Lock gate = new();
    private ImmutableHandlers handlers = new([]);
    private long lastSealAt;

    // A heartbeat sent through the runtime connection came back on the listening one within the last few seconds.
    public bool IsLive { get; private set; }
    public SealResult? LastSeal { get; private set; }

    // How long ago the sealer last finished a round (null before the first): the audit seal lag metric.
    public TimeSpan? SinceLastSeal => Interlocked.Read(ref lastSealAt) is var at and not 0 ? Stopwatch.GetElapsedTime(at) : null;

    // Why the last checkpoint was refused (the database no longer matches the newest one), or null.
    public string? IntegrityProblem { get; private set; }

    public IDisposable Subscribe(Func<AuditNotice, Task> handler)
    {
        lock (gate) handlers = new ImmutableHandlers([.. handlers.Items, handler]);
        return new Subscription(this, handler);
    }

    public int SubscriberCount => handlers.Items.Length;

    public void Publish(AuditNotice notice)
    {
        foreach (var handler in handlers.Items)
            _ = DeliverAsync(handler, notice);
    }

    internal void SetLive(bool live) => IsLive = live;

    internal void SetSealed(SealResult seal)
    {
        LastSeal = seal;
        Interlocked.Exchange(ref lastSealAt, Stopwatch.GetTimestamp());
    }

    internal void SetIntegrityProblem(string? problem) => IntegrityProblem = problem;

    private async Task DeliverAsync(Func<AuditNotice, Task> handler, AuditNotice notice)
    {
        try
        {
            await handler(notice);
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "A timeline subscriber failed to take audit notice {Notice}", notice);
        }
    }

    private void Unsubscribe(Func<AuditNotice, Task> handler)
    {
        lock (gate) handlers = new ImmutableHandlers(handlers.Items.Where(h => h != handler).ToArray());
    }

    private sealed record ImmutableHandlers(Func<AuditNotice, Task>[] Items);

    private sealed class Subscription(AuditLiveFeed feed, Func<AuditNotice, Task> handler) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0) feed.Unsubscribe(handler);
        }
    }
}
