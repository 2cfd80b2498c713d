using Bunit;
using TechCourse.Admin.Features.Home;
using TechCourse.Admin.Features.Sales;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Features.Home;

public sealed class RevenueChartTests
{
    private static List<DayTotal> Days(decimal today) =>
        [.. Enumerable.Range(0, 30).Select(k => new DayTotal(new DateOnly(2026, 11, 8).AddDays(k), k, k == 29 ? today : 10m * k))];

    [Fact]
    public async Task The_chart_draws_again_only_when_its_days_or_zone_changed_not_each_time_the_live_page_hands_them_over()
    {
        await using var context = MudTestContext.Create();
        var chart = context.Render<RevenueChart>(p => p.Add(c => c.Days, Days(5m)).Add(c => c.TimeZone, "UTC"));
        var drawn = chart.RenderCount;

        chart.Render(p => p.Add(c => c.Days, Days(5m)).Add(c => c.TimeZone, "UTC"));
        Assert.Equal(drawn, chart.RenderCount);

        // Drawing it again renders the chart's own parts too: more renders, however many.
        chart.Render(p => p.Add(c => c.Days, Days(7.5m)).Add(c => c.TimeZone, "UTC"));
        Assert.True(chart.RenderCount > drawn);
        drawn = chart.RenderCount;
        Assert.Contains("$4,067.50 in all", chart.Find("figcaption").TextContent, StringComparison.Ordinal);

        chart.Render(p => p.Add(c => c.Days, Days(7.5m)).Add(c => c.TimeZone, "America/New_York"));
        Assert.True(chart.RenderCount > drawn);
        Assert.Contains("America/New_York", chart.Find("figcaption").TextContent, StringComparison.Ordinal);
    }
}
