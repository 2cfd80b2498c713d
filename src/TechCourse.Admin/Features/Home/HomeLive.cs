using TechCourse.Admin.Infrastructure.Reliability;

namespace TechCourse.Admin.Features.Home;

// What every open home page of one kind and scope shows: the latest figures, or why they could not be read.
public sealed record HomeSnapshot<T>(T? Figures, PageError? Error, DateTimeOffset? ReadAt) where T : class
{
    public static HomeSnapshot<T> Loading { get; } = new(null, null, null);
}

// A kind of home page (instructor, accounting, admin) and how the figures of several of its scopes (an instructor and
// a zone; a zone) are read at once: one read returns the figures of every scope asked for.
public sealed class HomeKind<TScope, T>(string name, Func<IReadOnlyList<TScope>, CancellationToken, Task<IReadOnlyDictionary<TScope, T>>> read)
    where TScope : notnull where T : class
{
    public string Name { get; } = name;
    public Func<IReadOnlyList<TScope>, CancellationToken, Task<IReadOnlyDictionary<TScope, T>>> Read { get; } = read;
}

// One per app instance. Every open home page subscribes to the figures of its kind and scope; all the open scopes of a
// kind are read together, in one read, and each page is handed its own. A change announced by the instance's one
// listener (AuditListener: enrollments folded, price changes sealed, users, courses, sessions) marks every kind stale;
// a stale kind reads again at once, but at most once a second, however many changes, scopes and pages there are, and
// every minute regardless (today's date and expired sessions move without a write). A scope opened for the first time
// (or after a failed read) is read at once on its own, so a page never waits for the next second to show figures.
public sealed class HomeLive(ILogger<HomeLive> logger)
{
    private readonly ILogger logger = logger;

    public static readonly TimeSpan MinimumInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(5);
    // A view outlives its last page briefly, so the interactive render after prerendering finds the figures read.
    public TimeSpan Linger { get; set; } = TimeSpan.FromSeconds(10);

    private readonly Lock gate = new();
    private readonly Dictionary<object, IKindLoop> kinds = new(ReferenceEqualityComparer.Instance);
    // Scopes open now, over every kind.
    public int Views
    {
        get
        {
            IKindLoop[] all;
            lock (gate) all = kinds.Values.ToArray();
            return all.Sum(k => k.Views);
        }
    }

    public HomeSubscription<T> Subscribe<TScope, T>(HomeKind<TScope, T> kind, TScope scope, Func<Task> changed) where TScope : notnull where T : class
    {
        lock (gate)
        {
            if (!kinds.TryGetValue(kind, out var loop))
            {
                loop = new KindLoop<TScope, T>(this, kind);
                kinds.Add(kind, loop);
            }
            return ((KindLoop<TScope, T>)loop).Subscribe(scope, changed);
        }
    }

    public void Changed()
    {
        IKindLoop[] all;
        lock (gate) all = kinds.Values.ToArray();
        foreach (var kind in all) kind.MarkStale();
    }

    // A kind with no scope left stops reading; a later page starts it again.
    private bool TryRetire(IKindLoop loop, object kind)
    {
        lock (gate)
        {
            if (loop.Views > 0) return false;
            kinds.Remove(kind);
            return true;
        }
    }

    private interface IKindLoop
    {
        int Views { get; }
        void MarkStale();
    }

    private sealed class KindLoop<TScope, T> : IKindLoop where TScope : notnull where T : class
    {
        private readonly HomeLive owner;
        private readonly HomeKind<TScope, T> kind;
        private readonly Lock gate = new();
        private readonly Dictionary<TScope, View<T>> views = [];
        // Scopes whose pages wait for figures no read has given them yet: new ones, and ones opened after a failed read.
        private readonly HashSet<TScope> unread = [];
        private readonly SemaphoreSlim wake = new(0, 1);
        private bool stale;
        // The read in flight: cancelled when its kind has no page left, so the server drops the query at once.
        private CancellationTokenSource? reading;

        public KindLoop(HomeLive owner, HomeKind<TScope, T> kind)
        {
            this.owner = owner;
            this.kind = kind;
            // Not on the caller's thread: the caller holds the owner's lock, and the loop's first look needs it (by then
            // the caller has added its scope).
            _ = Task.Run(RunAsync);
        }

        public int Views
        {
            get { lock (gate) return views.Count; }
        }

        // Called under the owner's lock, so the loop cannot retire between finding this kind and adding the scope.
        public HomeSubscription<T> Subscribe(TScope scope, Func<Task> handler)
        {
            View<T>? view;
            Task first;
            lock (gate)
            {
                if (!views.TryGetValue(scope, out view))
                {
                    view = new View<T>();
                    views.Add(scope, view);
                    unread.Add(scope);
                }
                // A page opened while the last read failed waits for a new read instead of showing an error the database
                // may have got over since (the kind otherwise retries only every RetryInterval).
                first = view.Add(handler, out var retry);
                if (retry) unread.Add(scope);
            }
            Wake();
            var held = view;
            return new HomeSubscription<T>(() => held.Current, first, () => Leave(scope, held, handler));
        }

        public void MarkStale()
        {
            lock (gate) stale = true;
            Wake();
        }

        private void Wake()
        {
            try { wake.Release(); }
            catch (SemaphoreFullException) { } // already woken: one look covers both
        }

        private void Leave(TScope scope, View<T> view, Func<Task> handler)
        {
            if (!view.Remove(handler, out var linger)) return;
            _ = Task.Delay(owner.Linger, linger).ContinueWith(t =>
            {
                if (t.IsCanceled) return;
                lock (gate)
                {
                    if (view.Subscribers > 0 || !views.TryGetValue(scope, out var current) || current != view) return;
                    views.Remove(scope);
                    unread.Remove(scope);
                    if (views.Count == 0) reading?.Cancel();
                }
                Wake();
            }, TaskScheduler.Default);
        }

        private async Task RunAsync()
        {
            // The first scopes are read as unread ones; the kind's first full read is a change or a minute away.
            var lastFull = DateTimeOffset.UtcNow;
            var failed = false;
            while (!owner.TryRetire(this, kind))
            {
                TScope[]? scopes = null;
                var full = false;
                var wait = TimeSpan.Zero;
                lock (gate)
                {
                    if (unread.Count > 0)
                    {
                        scopes = [.. unread];
                        unread.Clear();
                    }
                    else
                    {
                        var dueAt = lastFull + (stale ? MinimumInterval : failed ? RetryInterval : RefreshInterval);
                        wait = dueAt - DateTimeOffset.UtcNow;
                        if (wait <= TimeSpan.Zero)
                        {
                            // Every change announced so far is covered by this read.
                            stale = false;
                            scopes = [.. views.Keys];
                            full = true;
                        }
                    }
                }
                if (scopes is null)
                {
                    await wake.WaitAsync(wait);
                    continue;
                }
                if (full) lastFull = DateTimeOffset.UtcNow;
                var ok = await ReadAsync(scopes);
                if (full || !ok) failed = !ok;
            }
        }

        private async Task<bool> ReadAsync(TScope[] scopes)
        {
            if (scopes.Length == 0) return true;
            var started = DateTimeOffset.UtcNow;
            IReadOnlyDictionary<TScope, T>? figures = null;
            PageError? error = null;
            using var cancellation = new CancellationTokenSource();
            lock (gate) reading = cancellation;
            try
            {
                figures = await kind.Read(scopes, cancellation.Token);
                if (scopes.FirstOrDefault(s => !figures.ContainsKey(s)) is { } missing)
                    throw new InvalidOperationException($"The {kind.Name} home read returned no figures for {missing}.");
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                return true; // nobody is left to show it to
            }
            catch (Exception e)
            {
                // Figures already shown stay, with the error beside them, until a read succeeds again.
                error = PageErrors.Report(owner.logger, e, "the home page's figures cannot be shown");
            }
            finally
            {
                lock (gate) reading = null;
            }
            var readAt = DateTimeOffset.UtcNow;
            // At Debug, one line per read: how the bench counts and times the reads of each kind (off in production's Information).
            if (owner.logger.IsEnabled(LogLevel.Debug))
                owner.logger.LogDebug("Home figures read for {Kind} ({Scopes} scopes) at {Started} in {Elapsed} ms", kind.Name, scopes.Length,
                    started.ToUnixTimeMilliseconds(), (long)(readAt - started).TotalMilliseconds);
            List<(TScope Scope, View<T> View)> read = [];
            lock (gate)
            {
                foreach (var scope in scopes)
                    if (views.TryGetValue(scope, out var view)) read.Add((scope, view));
            }
            foreach (var (scope, view) in read)
                view.Show(error is null ? new HomeSnapshot<T>(figures![scope], null, readAt) : view.Current with { Error = error }, owner.logger, kind.Name);
            return error is null;
        }
    }

    // The figures of one scope and the pages that show them.
    private sealed class View<T> where T : class
    {
        private readonly TaskCompletionSource firstRead = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly List<Func<Task>> handlers = [];
        private CancellationTokenSource? linger;
        private TaskCompletionSource? retried;

        public HomeSnapshot<T> Current { get; private set; } = HomeSnapshot<T>.Loading;

        public int Subscribers
        {
            get { lock (handlers) return handlers.Count; }
        }

        // The task the new page waits on for its first figures; retry: the view showed an error, so it needs a new read.
        public Task Add(Func<Task> handler, out bool retry)
        {
            lock (handlers)
            {
                handlers.Add(handler);
                linger?.Cancel();
                linger = null;
                retry = Current.Error is not null;
                if (!retry) return firstRead.Task;
                retried ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                return retried.Task;
            }
        }

        // True when that was the last page: the token ends the linger if a page comes back.
        public bool Remove(Func<Task> handler, out CancellationToken lingerToken)
        {
            lock (handlers)
            {
                handlers.Remove(handler);
                lingerToken = default;
                if (handlers.Count > 0) return false;
                linger = new CancellationTokenSource();
                lingerToken = linger.Token;
                return true;
            }
        }

        public void Show(HomeSnapshot<T> snapshot, ILogger logger, string kind)
        {
            Func<Task>[] now;
            TaskCompletionSource? waiting;
            lock (handlers)
            {
                Current = snapshot;
                waiting = retried;
                retried = null;
                now = handlers.ToArray();
            }
            firstRead.TrySetResult();
            waiting?.TrySetResult();
            // Each page on its own thread-pool item: a circuit whose dispatcher is idle renders inline, so a hundred pages
            // handed their figures in turn on the kind's loop would hold its next read back until the last had rendered.
            foreach (var handler in now) _ = Task.Run(() => DeliverAsync(handler, logger, kind));
        }

        private static async Task DeliverAsync(Func<Task> handler, ILogger logger, string kind)
        {
            try
            {
                await handler();
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "A home page failed to take new figures of kind {Kind}", kind);
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
