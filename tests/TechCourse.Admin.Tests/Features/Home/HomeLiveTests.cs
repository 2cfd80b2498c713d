using Microsoft.Extensions.Logging.Abstractions;
using TechCourse.Admin.Features.Home;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Features.Home;

public sealed class HomeLiveTests
{
    // A kind whose figures of a scope are the scope's name and the read's number ("UTC#2"); every read's scopes are kept.
    private sealed class Counting
    {
        private int reads;
        public List<string[]> Asked { get; } = [];
        public int Reads => Volatile.Read(ref reads);

        public HomeKind<string, string> Kind { get; }

        public Counting() => Kind = new("test", (scopes, _) =>
        {
            var n = Interlocked.Increment(ref reads);
            lock (Asked) Asked.Add([.. scopes.Order(StringComparer.Ordinal)]);
            return Task.FromResult<IReadOnlyDictionary<string, string>>(scopes.ToDictionary(s => s, s => $"{s}#{n}"));
        });
    }

    [Fact]
    public async Task Many_pages_of_one_kind_share_one_read_and_a_burst_of_changes_costs_at_most_one_read_a_second()
    {
        var live = new HomeLive(NullLogger<HomeLive>.Instance);
        var kind = new Counting();
        var subscriptions = Enumerable.Range(0, 100).Select(_ => live.Subscribe(kind.Kind, "UTC", () => Task.CompletedTask)).ToList();
        await Task.WhenAll(subscriptions.Select(s => s.FirstAsync(CancellationToken.None)));
        Assert.Equal(1, kind.Reads);

        for (var i = 0; i < 200; i++) live.Changed();
        await Eventually.WaitForAsync(() => Task.FromResult(kind.Reads == 2), TimeSpan.FromSeconds(5), "the burst to be read once");
        // A stated window in which a second read would show the burst was not coalesced.
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        Assert.Equal(2, kind.Reads);
        Assert.All(subscriptions, s => Assert.Equal("UTC#2", s.Current.Figures));
        Assert.Equal(1, live.Views);
        foreach (var s in subscriptions) s.Dispose();
    }

    [Fact]
    public async Task After_a_change_every_open_scope_of_a_kind_is_read_in_one_read_and_each_page_gets_its_own_scopes_figures()
    {
        var live = new HomeLive(NullLogger<HomeLive>.Instance);
        var instructors = new Counting();
        var accounting = new Counting();
        var pages = new[] { "ada", "bob", "cy", "ada" }.Select(scope => (Scope: scope, Page: live.Subscribe(instructors.Kind, scope, () => Task.CompletedTask))).ToList();
        using var platform = live.Subscribe(accounting.Kind, "UTC", () => Task.CompletedTask);
        await Task.WhenAll(pages.Select(p => p.Page.FirstAsync(CancellationToken.None)).Append(platform.FirstAsync(CancellationToken.None)));
        var before = instructors.Reads;

        live.Changed();
        await Eventually.WaitForAsync(() => Task.FromResult(instructors.Reads == before + 1 && accounting.Reads == 2), TimeSpan.FromSeconds(5), "each kind to read again");

        lock (instructors.Asked) Assert.Equal(["ada", "bob", "cy"], instructors.Asked[^1]);
        Assert.All(pages, p => Assert.Equal($"{p.Scope}#{before + 1}", p.Page.Current.Figures));
        Assert.Equal("UTC#2", platform.Current.Figures);
        Assert.Equal(4, live.Views);
        foreach (var p in pages) p.Page.Dispose();
    }

    [Fact]
    public async Task A_page_opened_after_a_failed_read_waits_for_a_new_read_instead_of_showing_the_old_error()
    {
        var live = new HomeLive(NullLogger<HomeLive>.Instance);
        var databaseAnswers = false;
        var kind = new HomeKind<string, string>("admin", (scopes, _) => databaseAnswers
            ? Task.FromResult<IReadOnlyDictionary<string, string>>(scopes.ToDictionary(s => s, _ => "figures"))
            : throw new TimeoutException("the database did not answer"));
        using var duringOutage = live.Subscribe(kind, "UTC", () => Task.CompletedTask);
        Assert.NotNull((await duringOutage.FirstAsync(CancellationToken.None)).Error);

        databaseAnswers = true;
        using var afterOutage = live.Subscribe(kind, "UTC", () => Task.CompletedTask);
        var shown = await afterOutage.FirstAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(HomeLive.RetryInterval.TotalSeconds - 1));

        Assert.Null(shown.Error);
        Assert.Equal("figures", shown.Figures);
    }

    [Fact]
    public async Task A_page_still_rendering_the_last_figures_does_not_hold_back_the_next_read_or_the_other_pages()
    {
        var live = new HomeLive(NullLogger<HomeLive>.Instance);
        var kind = new Counting();
        // A circuit renders inline on the thread that hands it the figures: this one blocks that thread until released.
        using var rendering = new ManualResetEventSlim();
        var slowCalls = 0;
        using var slow = live.Subscribe(kind.Kind, "UTC", () =>
        {
            if (Interlocked.Increment(ref slowCalls) > 1) rendering.Wait(TimeSpan.FromSeconds(30));
            return Task.CompletedTask;
        });
        var quickShown = new List<string?>();
        HomeSubscription<string>? quick = null;
        quick = live.Subscribe(kind.Kind, "UTC", () =>
        {
            lock (quickShown) quickShown.Add(quick!.Current.Figures);
            return Task.CompletedTask;
        });
        await Task.WhenAll(slow.FirstAsync(CancellationToken.None), quick.FirstAsync(CancellationToken.None));

        try
        {
            live.Changed();
            await Eventually.WaitForAsync(() => Volatile.Read(ref slowCalls) >= 2, TimeSpan.FromSeconds(5), "the slow page to start rendering the second figures");
            live.Changed();
            await Eventually.WaitForAsync(() => kind.Reads == 3, TimeSpan.FromSeconds(5), "the third read while the slow page still renders the second");
            await Eventually.WaitForAsync(() => { lock (quickShown) return quickShown.Contains("UTC#3"); }, TimeSpan.FromSeconds(5),
                "the other page to be handed the third figures");
        }
        finally
        {
            rendering.Set();
            quick.Dispose();
        }
    }
}
