using Microsoft.Extensions.Logging.Abstractions;
using TechCourse.Admin.Features.Home;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Features.Home;

public sealed class HomeLiveTests
{
    [Fact]
    public async Task Many_pages_of_one_kind_share_one_read_and_a_burst_of_changes_costs_at_most_one_read_a_second()
    {
        var live = new HomeLive(NullLogger<HomeLive>.Instance);
        var reads = 0;
        var delivered = 0;
        var subscriptions = Enumerable.Range(0, 100)
            .Select(_ => live.Subscribe("admin:UTC", _ => Task.FromResult(Interlocked.Increment(ref reads).ToString(System.Globalization.CultureInfo.InvariantCulture)),
                () => { Interlocked.Increment(ref delivered); return Task.CompletedTask; }))
            .ToList();
        await subscriptions[0].FirstAsync(CancellationToken.None);
        Assert.Equal(1, reads);

        for (var i = 0; i < 200; i++) live.Changed();
        await Eventually.WaitForAsync(() => Task.FromResult(reads == 2), TimeSpan.FromSeconds(5), "the burst to be read once");
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        Assert.Equal(2, reads);
        Assert.All(subscriptions, s => Assert.Equal("2", s.Current.Figures));
        Assert.Equal(1, live.Views);
        foreach (var s in subscriptions) s.Dispose();
    }

    [Fact]
    public async Task Each_kind_and_scope_is_read_on_its_own()
    {
        var live = new HomeLive(NullLogger<HomeLive>.Instance);
        using var a = live.Subscribe("instructor:a:UTC", _ => Task.FromResult("a"), () => Task.CompletedTask);
        using var b = live.Subscribe("instructor:b:UTC", _ => Task.FromResult("b"), () => Task.CompletedTask);

        Assert.Equal("a", (await a.FirstAsync(CancellationToken.None)).Figures);
        Assert.Equal("b", (await b.FirstAsync(CancellationToken.None)).Figures);
        Assert.Equal(2, live.Views);
    }

    [Fact]
    public async Task A_page_opened_after_a_failed_read_waits_for_a_new_read_instead_of_showing_the_old_error()
    {
        var live = new HomeLive(NullLogger<HomeLive>.Instance);
        var databaseAnswers = false;
        Func<CancellationToken, Task<string>> read = _ => databaseAnswers ? Task.FromResult("figures") : throw new TimeoutException("the database did not answer");
        using var duringOutage = live.Subscribe("admin:UTC", read, () => Task.CompletedTask);
        Assert.NotNull((await duringOutage.FirstAsync(CancellationToken.None)).Error);

        databaseAnswers = true;
        using var afterOutage = live.Subscribe("admin:UTC", read, () => Task.CompletedTask);
        var shown = await afterOutage.FirstAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(HomeLive.RetryInterval.TotalSeconds - 1));

        Assert.Null(shown.Error);
        Assert.Equal("figures", shown.Figures);
    }
}
