using System.Globalization;
using Microsoft.Playwright;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class SalesJourneyTests(BrowserFixture browser, RunningAppFixture app) : IClassFixture<RunningAppFixture>
{
    [Fact]
    public async Task An_accounting_user_switches_range_and_zone_exports_the_csv_and_its_totals_match_the_page()
    {
        var page = await browser.NewPageAsync(app.App.BaseAddress);
        await BrowserFixture.SignInAsync(page, "accounting@techcourse.com", "accounting-demo-password", "/sales");
        await page.Locator("[data-testid=sales-interactive]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await page.Locator("[data-testid=day-total-revenue]").WaitForAsync();

        await page.Locator("[data-testid=range]").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "Last 90 days" }).ClickAsync();
        // The whole suite shares two cores: the new range's render can take longer than Playwright's default 5 s.
        await Assertions.Expect(page.Locator("[data-testid=days-table] tbody tr")).ToHaveCountAsync(90, new() { Timeout = 20_000 });
        var zone = page.GetByLabel("Time zone", new() { Exact = true });
        await zone.ClickAsync();
        await zone.PressSequentiallyAsync("Kathmandu", new() { Delay = 50 });
        await page.GetByRole(AriaRole.Option, new() { Name = "Asia/Kathmandu" }).ClickAsync(new() { Timeout = 60_000 });
        await Assertions.Expect(page.GetByTestId("zone-statement")).ToContainTextAsync("Asia/Kathmandu");
        await Assertions.Expect(page.Locator("[data-testid=days-table] tbody tr")).ToHaveCountAsync(90, new() { Timeout = 20_000 });
        var shownRevenue = decimal.Parse(await page.GetByTestId("day-total-revenue").InnerTextAsync(), NumberStyles.Currency, CultureInfo.GetCultureInfo("en-US"));
        var shownEnrollments = long.Parse(await page.GetByTestId("day-total-enrollments").InnerTextAsync(), NumberStyles.Number, CultureInfo.InvariantCulture);
        await BrowserFixture.ScreenshotAsync(page, "sales-by-day-kathmandu");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Export by day (CSV)" }).ClickAsync());
        var lines = (await File.ReadAllLinesAsync(await download.PathAsync())).ToList();

        Assert.Matches(@"^sales-by-day_\d{4}-\d{2}-\d{2}_to_\d{4}-\d{2}-\d{2}_Asia-Kathmandu\.csv$", download.SuggestedFilename);
        var rows = lines.Skip(1).SkipLast(1).Select(l => l.Split(',')).ToList();
        var total = lines[^1].Split(',');
        Assert.Equal(90, rows.Count);
        Assert.All(rows, r => Assert.EndsWith("+05:45", r[1], StringComparison.Ordinal));
        Assert.Equal(shownRevenue, decimal.Parse(total[3], CultureInfo.InvariantCulture));
        Assert.Equal(shownEnrollments, long.Parse(total[2], CultureInfo.InvariantCulture));
        Assert.Equal(shownRevenue, rows.Sum(r => decimal.Parse(r[3], CultureInfo.InvariantCulture)));
        Assert.True(shownEnrollments > 0, "the demo data has sales in the last 90 days");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_all_time_tab_pages_through_the_server_and_its_csv_holds_every_matched_course_with_the_page_totals()
    {
        var page = await browser.NewPageAsync(app.App.BaseAddress);
        await BrowserFixture.SignInAsync(page, "accounting@techcourse.com", "accounting-demo-password", "/sales");
        await page.Locator("[data-testid=sales-interactive]").WaitForAsync(new() { State = WaitForSelectorState.Attached });

        await page.GetByText("By course (all time)").ClickAsync();

        var rows = page.Locator("[data-testid=by-course-table] tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(50);
        var courses = long.Parse(System.Text.RegularExpressions.Regex.Match(await page.GetByTestId("by-course-total-courses").InnerTextAsync(), @"[\d,]+").Value,
            NumberStyles.Number, CultureInfo.InvariantCulture);
        var shownRevenue = decimal.Parse(await page.GetByTestId("by-course-total-revenue").InnerTextAsync(), NumberStyles.Currency, CultureInfo.GetCultureInfo("en-US"));
        var shownEnrollments = long.Parse(await page.GetByTestId("by-course-total-enrollments").InnerTextAsync(), NumberStyles.Number, CultureInfo.InvariantCulture);
        Assert.True(courses > 50, "the demo data sells more than one page of courses");
        await BrowserFixture.ScreenshotAsync(page, "sales-by-course-all-time");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Export (CSV)" }).ClickAsync());
        var lines = (await File.ReadAllLinesAsync(await download.PathAsync())).ToList();
        var total = lines[^1].Split(',');
        Assert.Equal(courses, lines.Count - 2);
        Assert.Equal((shownEnrollments, shownRevenue), (long.Parse(total[3], CultureInfo.InvariantCulture), decimal.Parse(total[4], CultureInfo.InvariantCulture)));

        await page.GetByRole(AriaRole.Button, new() { Name = "Next page" }).ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync((int)Math.Min(50, courses - 50));
        await page.Context.CloseAsync();
    }
}
