using Bunit;
using TechCourse.Admin.Features.Home;
using TechCourse.Admin.Features.Sales;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Features.Home;

public sealed class LiveSectionTests
{
    private static List<DayTotal> Days(decimal today) =>
        [.. Enumerable.Range(0, 30).Select(k => new DayTotal(new DateOnly(2026, 11, 8).AddDays(k), k, k == 29 ? today : 10m * k))];

    private static IRenderedComponent<LiveSection> Chart(BunitContext context, List<DayTotal> days, string zone) =>
        context.Render<LiveSection>(p => Section(p, days, zone));

    private static void Section(ComponentParameterCollectionBuilder<LiveSection> p, List<DayTotal> days, string zone) =>
        p.Add(s => s.Data, new { TimeZone = zone, Days = days })
         .Add(s => s.ChildContent, b =>
         {
             b.OpenComponent<RevenueChart>(0);
             b.AddAttribute(1, nameof(RevenueChart.Days), days);
             b.AddAttribute(2, nameof(RevenueChart.TimeZone), zone);
             b.CloseComponent();
         });

    [Fact]
    public async Task A_section_renders_again_only_when_its_figures_changed_not_each_time_the_live_page_hands_them_over()
    {
        await using var context = MudTestContext.Create();
        var section = Chart(context, Days(5m), "UTC");
        var rendered = section.RenderCount;

        // Equal figures in new lists of new records: nothing to draw.
        section.Render(p => Section(p, Days(5m), "UTC"));
        Assert.Equal(rendered, section.RenderCount);

        // Rendering again renders the chart's own parts too: more renders, however many.
        section.Render(p => Section(p, Days(7.5m), "UTC"));
        Assert.True(section.RenderCount > rendered);
        Assert.Contains("$4,067.50 in all", section.Find("figcaption").TextContent, StringComparison.Ordinal);
        rendered = section.RenderCount;

        section.Render(p => Section(p, Days(7.5m), "America/New_York"));
        Assert.True(section.RenderCount > rendered);
        Assert.Contains("America/New_York", section.Find("figcaption").TextContent, StringComparison.Ordinal);
    }
}
