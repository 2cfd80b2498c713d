using Bunit;
using TechCourse.Admin.Features.Campaigns;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Features.Campaigns;

public sealed class CampaignPreviewTableTests
{
    private static readonly PriceOperation TenOff = new(PriceOperationKind.Percent, -10m);
    private static readonly OtherCampaign Spring = new(7, "Spring sale", DateTimeOffset.UtcNow, null, "UTC");

    private static CampaignPreview Preview(params PreviewRow[] rows) => new(TenOff, rows, null, null);

    private static (BunitContext Context, IRenderedComponent<CampaignPreviewTable> Table) Render(CampaignPreview preview, bool showInstructor = false)
    {
        var context = MudTestContext.Create();
        return (context, context.Render<CampaignPreviewTable>(p => p.Add(t => t.Preview, preview).Add(t => t.ShowInstructor, showInstructor)));
    }

    private static IReadOnlyList<string[]> Rows(IRenderedComponent<CampaignPreviewTable> table) =>
        table.FindAll("tbody tr").Select(r => r.QuerySelectorAll("td").Select(td => td.TextContent.Trim()).ToArray()).ToList();

    [Fact]
    public async Task Each_changing_course_shows_its_price_now_the_new_one_and_the_change_in_percent()
    {
        var (context, table) = Render(Preview(
            new PreviewRow(1, "Docker basics", null, 50m, 45m, PreviewOutcome.Changes),
            new PreviewRow(2, "Kubernetes", null, 19.99m, 17.99m, PreviewOutcome.Changes)));
        await using var _ = context;

        Assert.Equal("2 courses will change.", table.Find("[data-testid=preview-summary]").TextContent);
        Assert.Equal([["Docker basics", "$50.00", "$45.00", "−10.0 %", ""], ["Kubernetes", "$19.99", "$17.99", "−10.0 %", ""]], Rows(table));
    }

    [Fact]
    public async Task Courses_that_will_not_change_come_last_each_with_why_and_the_summary_counts_the_reasons()
    {
        var (context, table) = Render(Preview(
            new PreviewRow(1, "Free intro", null, 0m, 0m, PreviewOutcome.Unchanged),
            new PreviewRow(2, "Docker basics", null, 50m, 45m, PreviewOutcome.Changes),
            new PreviewRow(3, "Overpriced", null, 99_999_999m, 110_000_000m, PreviewOutcome.AboveMaximum),
            new PreviewRow(4, null, null, null, null, PreviewOutcome.NotYours),
            new PreviewRow(5, "On sale already", null, 30m, 27m, PreviewOutcome.InOtherCampaign, Spring),
            new PreviewRow(6, null, null, null, null, PreviewOutcome.Missing),
            new PreviewRow(7, "Cheap", null, 1m, -4m, PreviewOutcome.BelowZero)));
        await using var _ = context;

        var rows = Rows(table);
        Assert.Equal("Docker basics", rows[0][0]);
        Assert.Equal("Will not change: already at this price", rows.Single(r => r[0] == "Free intro")[4]);
        Assert.StartsWith("Will not change: would go above the maximum of $", rows.Single(r => r[0] == "Overpriced")[4], StringComparison.Ordinal);
        Assert.Equal(["Course #4", "—", "—", "—", "Will not change: not yours"], rows.Single(r => r[0] == "Course #4"));
        Assert.Equal("Will not change: in campaign #7 “Spring sale” at that time", rows.Single(r => r[0] == "On sale already")[4]);
        Assert.Equal("Will not change: no longer exists", rows.Single(r => r[0] == "Course #6")[4]);
        Assert.Equal("Will not change: would go below 0", rows.Single(r => r[0] == "Cheap")[4]);
        Assert.Equal(["—", "—"], rows.Single(r => r[0] == "Cheap")[2..4]);
        Assert.Equal("1 course will change; 6 will not (1 already at that price, 1 would go above the maximum, 1 not yours, 1 in another campaign at that time, "
                     + "1 no longer exist, 1 would go below 0).", table.Find("[data-testid=preview-summary]").TextContent);
    }

    [Fact]
    public async Task An_admin_sees_each_courses_instructor()
    {
        var (context, table) = Render(Preview(new PreviewRow(1, "Docker basics", "ada@techcourse.com", 50m, 45m, PreviewOutcome.Changes)), showInstructor: true);
        await using var _ = context;

        Assert.Contains("Instructor", table.Find("thead").TextContent, StringComparison.Ordinal);
        Assert.Equal("ada@techcourse.com", Rows(table)[0][1]);
    }
}
