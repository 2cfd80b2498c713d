using TechCourse.Admin.Infrastructure.Reliability;

namespace TechCourse.Admin.Features.Home;

// What every open home page of one kind and scope shows: the latest figures, or why they could not be read.
public sealed record HomeSnapshot<T>(T? Figures, PageError? Error, DateTimeOffset? ReadAt) where T : class
{
    public static HomeSnapshot<T> Loading { get; } = new(null, null, null);
}

// One per app instance. Every open home page subscribes to the figures of its kind and scope (an instructor's own, the
// accounting zone's, the admin's zone's); the figures are read once for all of them and handed to each. A change
// announced by the instance's one listener (AuditListener: enrollments folded, price changes sealed, users, courses,
// sessions) marks every view stale; a stale view reads again at once, but at most once a second, however many changes
// and pages there are, and every minute regardless (today's date and expired sessions move without a write).
public sealed class HomeLive(ILogger<HomeLive> logger)
{
    private readonly ILogger logger = logger;

    public static readonly TimeSpan MinimumInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(5);
    // A view outlives its last page briefly, so the interactive render after prerendering finds the figures read.
    public TimeSpan Linger { get; set; } = TimeSpan.FromSeconds(10);

    private readonly Lock gate = new();
    private readonly Dictionary<string, IView> views = new(StringComparer.Ordinal);
    private long reads;

    public long Reads => Interlocked.Read(ref reads);

    public int Views
    {
        get { lock (gate) return views.Count; }
    }

    public HomeSubscription<T> Subscribe<T>(string key, Func<CancellationToken, Task<T>> read, Func<Task> changed) where T : class
    {
        lock (gate)
        {
            if (!views.TryGetValue(key, out var existing))
            {
                existing = new View<T>(this, key, read);
                views.Add(key, existing);
            }
            var view = (View<T>)existing;
            return view.Add(changed);
        }
    }

    public void Changed()
    {
        IView[] all;
        lock (gate) all = views.Values.ToArray();
        foreach (var view in all) view.MarkStale();
    }

    private void Remove(IView view)
    {
        lock (gate)
        {
            if (view.Subscribers > 0 || !views.TryGetValue(view.Key, out var current) || current != view) return;
            views.Remove(view.Key);
        }
        view.Stop();
    }

    private interface IView
    {
        string Key { get; }
        int Subscribers { get; }
        void MarkStale();
        void Stop();
    }

    private sealed class View<T> : IView where T : class
    {
        private readonly HomeLive owner;
        private readonly Func<CancellationToken, Task<T>> read;
        private readonly CancellationTokenSource stop = new();
        private readonly SemaphoreSlim stale = new(0, 1);
        private readonly TaskCompletionSource firstRead = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly List<Func<Task>> handlers = [];
        private CancellationTokenSource? linger;
        private TaskCompletionSource? retried;

        public View(HomeLive owner, string key, Func<CancellationToken, Task<T>> read)
        {
            this.owner = owner;
            this.read = read;
            Key = key;
            _ = RunAsync(stop.Token);
        }

        public string Key { get; }
        public HomeSnapshot<T> Current { get; private set; } = HomeSnapshot<T>.Loading;

        public int Subscribers
        {
            get { lock (handlers) return handlers.Count; }
        }

        public HomeSubscription<T> Add(Func<Task> handler)
        {
            Task first;
            lock (handlers)
            {
                handlers.Add(handler);
                linger?.Cancel();
                linger = null;
                // A page opened while the last read failed waits for a new read instead of showing an error the database
                // may have got over since (the view otherwise retries only every RetryInterval).
                if (Current.Error is not null)
                {
                    retried ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    first = retried.Task;
                    MarkStale();
                }
                else first = firstRead.Task;
            }
            return new HomeSubscription<T>(() => Current, first, () => RemoveHandler(handler));
        }

        private void ReadDone()
        {
            firstRead.TrySetResult();
            TaskCompletionSource? waiting;
            lock (handlers)
            {
                waiting = retried;
                retried = null;
            }
            waiting?.TrySetResult();
        }

        private void RemoveHandler(Func<Task> handler)
        {
            CancellationToken wait;
            lock (handlers)
            {
                handlers.Remove(handler);
                if (handlers.Count > 0) return;
                linger = new CancellationTokenSource();
                wait = linger.Token;
            }
            _ = Task.Delay(owner.Linger, wait).ContinueWith(t => { if (!t.IsCanceled) owner.Remove(this); }, TaskScheduler.Default);
        }

        public void MarkStale()
        {
            try { stale.Release(); }
            catch (SemaphoreFullException) { } // already stale: one read covers both changes
        }

        public void Stop()
        {
            stop.Cancel();
        }

        private async Task RunAsync(CancellationToken ct)
        {
            var lastStart = DateTimeOffset.MinValue;
            try
            {
                while (!ct.IsCancellationRequested)
                {
                    var wait = lastStart + MinimumInterval - DateTimeOffset.UtcNow;
                    if (wait > TimeSpan.Zero) await Task.Delay(wait, ct);
                    while (stale.Wait(0, CancellationToken.None)) { } // changes announced so far are all covered by this read
                    lastStart = DateTimeOffset.UtcNow;
                    await ReadAsync(ct);
                    await stale.WaitAsync(Current.Error is null ? RefreshInterval : RetryInterval, ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
            }
            finally
            {
                ReadDone();
            }
        }

        private async Task ReadAsync(CancellationToken ct)
        {
            Interlocked.Increment(ref owner.reads);
            // At Debug, one line per read: how the bench counts the reads of each view (off in production's Information).
            if (owner.logger.IsEnabled(LogLevel.Debug)) owner.logger.LogDebug("Home figures read for {Key} at {Started}", Key, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            try
            {
                var figures = await read(ct);
                Current = new HomeSnapshot<T>(figures, null, DateTimeOffset.UtcNow);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                // Figures already shown stay, with the error beside them, until a read succeeds again.
                Current = Current with { Error = PageErrors.Report(owner.logger, e, "the home page's figures cannot be shown") };
            }
            ReadDone();
            Func<Task>[] now;
            lock (handlers) now = handlers.ToArray();
            foreach (var handler in now) _ = DeliverAsync(handler);
        }

        private async Task DeliverAsync(Func<Task> handler)
        {
            try
            {
                await handler();
            }
            catch (Exception e)
            {
                owner.logger.LogWarning(e, "A home page failed to take new figures for {Key}", Key);
            }
        }
    }
}

// A page's hold on a view: the figures now, a task that completes once the first read is done, and Dispose to leave.
public sealed class HomeSubscription<T>(Func<HomeSnapshot<T>> current, Task firstRead, Action leave) : IDisposable where T : class
{
    private int disposed;

    public HomeSnapshot<T> Current => current();

    public async Task<HomeSnapshot<T>> FirstAsync(CancellationToken ct)
    {
        await firstRead.WaitAsync(ct);
        return Current;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 0) leave();
    }
}
