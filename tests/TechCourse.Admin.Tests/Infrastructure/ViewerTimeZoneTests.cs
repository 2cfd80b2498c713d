using Microsoft.JSInterop;
using TechCourse.Admin.Infrastructure.Time;

namespace TechCourse.Admin.Tests.Infrastructure;

public sealed class ViewerTimeZoneTests
{
    private sealed class Browser(Func<string?> answer) : IJSRuntime
    {
        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, object?[]? args) => InvokeAsync<TValue>(identifier, CancellationToken.None, args);

        public ValueTask<TValue> InvokeAsync<TValue>(string identifier, CancellationToken cancellationToken, object?[]? args) =>
            ValueTask.FromResult((TValue)(object?)answer()!);
    }

    [Fact]
    public async Task Times_are_shown_in_the_zone_the_browser_reports()
    {
        var viewer = new ViewerTimeZone(new Browser(() => "Asia/Kolkata"));
        await viewer.GetAsync();
        Assert.Equal("Asia/Kolkata", viewer.Label);
        Assert.Equal("2026-01-01 05:30", viewer.Format(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public async Task An_unknown_zone_falls_back_to_utc()
    {
        var viewer = new ViewerTimeZone(new Browser(() => "Mars/Olympus_Mons"));
        Assert.Equal(TimeZoneInfo.Utc, await viewer.GetAsync());
    }

    [Fact]
    public async Task While_prerendering_times_are_utc_and_the_zone_is_asked_again_later()
    {
        var interactive = false;
        var viewer = new ViewerTimeZone(new Browser(() => interactive ? "America/St_Johns" : throw new InvalidOperationException("prerendering")));
        Assert.Equal(TimeZoneInfo.Utc, await viewer.GetAsync());
        interactive = true;
        Assert.Equal("America/St_Johns", (await viewer.GetAsync()).Id);
    }
}
