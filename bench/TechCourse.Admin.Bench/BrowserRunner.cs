using Microsoft.Playwright;

namespace TechCourse.Admin.Bench;

/// A page as a browser sees it: from the start of the navigation until its data rows are visible and its circuit is
/// interactive (clicks work), read from the page's own clock (performance.now() counts from the navigation's start).
public sealed record BrowserPage(string Name, string Path, string RowsSelector);

public sealed record BrowserResult(BrowserPage Page, Stats? Ready, string? Error);

public static class BrowserRunner
{
    public static readonly IReadOnlyList<BrowserPage> Pages =
    [
        new("dashboard", "/", "[data-testid=students-value]"),
        new("courses", "/courses", "[data-testid=courses-grid] tbody tr td"),
        new("users", "/users", "[data-testid=users-table] tbody tr td"),
        new("enrollments", "/enrollments", "[data-testid=enrollments-table] tbody tr td"),
        new("sales", "/sales", "[data-testid=days-table] tbody tr td"),
        new("audit", "/audit", "tr.audit-entry td"),
        new("analytics", "/analytics", "[data-testid=difficulties] tbody tr td"),
    ];

    public const int WarmUpRuns = 3;

    public static async Task<IReadOnlyList<BrowserResult>> RunAsync(AppHost app, int runs, CancellationToken ct)
    {
        var (client, cookies) = await app.SignInAsync(BenchDatabase.StaffEmail, BenchDatabase.StaffPassword, ct);
        client.Dispose();
        var cookie = cookies.GetCookies(app.BaseAddress).Single(c => c.Name == "TechCourse.Auth");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        });
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = app.BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = 1440, Height = 900 } });
        await context.AddCookiesAsync([new Cookie { Name = cookie.Name, Value = cookie.Value, Domain = app.BaseAddress.Host, Path = "/" }]);
        var tab = await context.NewPageAsync();
        var results = new List<BrowserResult>();
        foreach (var page in Pages)
        {
            Console.WriteLine($"browser: {page.Path}…");
            try
            {
                for (var i = 0; i < WarmUpRuns; i++) await ReadyAfterAsync(tab, page);
                var times = new List<double>();
                for (var i = 0; i < runs; i++) times.Add(await ReadyAfterAsync(tab, page));
                results.Add(new BrowserResult(page, Stats.Of(times), null));
            }
            catch (Exception e) when (e is PlaywrightException or TimeoutException)
            {
                results.Add(new BrowserResult(page, null, e.Message.Split('\n')[0]));
            }
        }
        await context.CloseAsync();
        return results;
    }

    /// A fresh navigation (not Blazor's in-page one): the first response, the scripts, the circuit and the rows, as a user
    /// opening a bookmark gets them.
    private static async Task<double> ReadyAfterAsync(IPage tab, BrowserPage page)
    {
        await tab.GotoAsync("about:blank");
        await tab.GotoAsync(page.Path, new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
        await tab.Locator(page.RowsSelector).First.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible, Timeout = 60_000 });
        await tab.Locator("[data-testid=circuit-interactive]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached, Timeout = 60_000 });
        return await tab.EvaluateAsync<double>("() => performance.now()");
    }
}
