using Microsoft.Playwright;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class AnalyticsJourneyTests(BrowserFixture browser, RunningAppFixture app) : IClassFixture<RunningAppFixture>
{
    [Fact]
    public async Task Accounting_sees_a_revenue_bar_for_every_difficulty_of_the_table_below_it()
    {
        var page = await browser.NewPageAsync(app.App.BaseAddress);
        await BrowserFixture.SignInAsync(page, "accounting@techcourse.com", "accounting-demo-password", "/analytics");
        var table = page.GetByTestId("difficulties");
        await table.Locator("tbody tr td").First.WaitForAsync();

        var difficulties = await table.Locator("tbody tr td:first-child").AllInnerTextsAsync();
        var bars = await page.GetByTestId("revenue-bars").Locator(".revenue-bar-label").AllInnerTextsAsync();
        Assert.NotEmpty(difficulties);
        Assert.Equal(difficulties, bars);
        var widest = await page.GetByTestId("revenue-bars").Locator(".revenue-bar-fill").First.EvaluateAsync<double>("e => e.getBoundingClientRect().width / e.parentElement.getBoundingClientRect().width");
        Assert.Equal(1.0, widest, 2);
        await BrowserFixture.ScreenshotAsync(page, "analytics-revenue-bars");
        await page.Context.CloseAsync();
    }
}
