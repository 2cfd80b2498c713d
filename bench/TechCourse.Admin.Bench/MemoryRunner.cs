using Microsoft.Playwright;

namespace TechCourse.Admin.Bench;

public sealed record MemoryResult(string Page, int Circuits, long IdleKiB, long OpenKiB, string? Error)
{
    public double? PerCircuitKiB => Error is null && Circuits > 0 ? (OpenKiB - IdleKiB) / (double)Circuits : null;
}

/// Server resident memory idle, then with N interactive circuits (one Chromium context each) open on a page.
public static class MemoryRunner
{
    public const string Page = "/courses";

    public static async Task<MemoryResult> RunAsync(AppHost app, int circuits, CancellationToken ct)
    {
        var (client, cookies) = await app.SignInAsync(BenchDatabase.StaffEmail, BenchDatabase.StaffPassword, ct);
        client.Dispose();
        var cookie = cookies.GetCookies(app.BaseAddress).Single(c => c.Name == "TechCourse.Auth");
        await Task.Delay(TimeSpan.FromSeconds(3), ct);
        var idle = app.WorkingSetKiB();
        try
        {
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = "/usr/bin/chromium",
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
            });
            var contexts = new List<IBrowserContext>();
            for (var k = 0; k < circuits; k++)
            {
                var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = app.BaseAddress.ToString() });
                await context.AddCookiesAsync([new Cookie { Name = cookie.Name, Value = cookie.Value, Domain = app.BaseAddress.Host, Path = "/" }]);
                var page = await context.NewPageAsync();
                await page.GotoAsync(Page);
                await page.Locator("[data-testid=circuit-interactive]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached, Timeout = 60_000 });
                contexts.Add(context);
            }
            await Task.Delay(TimeSpan.FromSeconds(5), ct);
            var open = app.WorkingSetKiB();
            foreach (var context in contexts) await context.CloseAsync();
            return new MemoryResult(Page, circuits, idle, open, null);
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException)
        {
            return new MemoryResult(Page, circuits, idle, 0, e.Message.Split('\n')[0]);
        }
    }
}
