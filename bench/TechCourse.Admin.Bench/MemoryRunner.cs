using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Playwright;

namespace TechCourse.Admin.Bench;

public sealed record MemoryResult(string Page, int Circuits, long IdleKiB, long OpenKiB, long IdleHeapBytes, long OpenHeapBytes, string? Error)
{
    public double? PerCircuitKiB => Error is null && Circuits > 0 ? (OpenKiB - IdleKiB) / (double)Circuits : null;
    public double? HeapPerCircuitKiB => Error is null && Circuits > 0 ? (OpenHeapBytes - IdleHeapBytes) / 1024.0 / Circuits : null;
}

/// Server resident memory idle, then with N interactive circuits (one Chromium context each) open on each measured page
/// in turn; each read after a full garbage collection in the server, so the difference is what the circuits keep alive.
/// Both reads wait for the app's own timeouts (its defaults): the idle one until the closed warm-up circuits are no
/// longer kept for a reconnect, the open one until the HTTP connections each browser opened for the page's files have
/// been closed as idle, so what is counted is circuits that sit open, as a user's does after its first two minutes.
public static class MemoryRunner
{
    public static readonly IReadOnlyList<string> Pages = ["/courses", "/sales", "/audit"];

    public const int WarmUpCircuits = 5;

    public static readonly TimeSpan WarmUpCircuitsReleased = new CircuitOptions().DisconnectedCircuitRetentionPeriod + TimeSpan.FromSeconds(10);

    public static readonly TimeSpan PageLoadConnectionsClosed = new KestrelServerLimits().KeepAliveTimeout + TimeSpan.FromSeconds(5);

    private static async Task<IBrowserContext> OpenCircuitAsync(IBrowser browser, AppHost app, System.Net.Cookie cookie, string path)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = app.BaseAddress.ToString() });
        await context.AddCookiesAsync([new Cookie { Name = cookie.Name, Value = cookie.Value, Domain = app.BaseAddress.Host, Path = "/" }]);
        var page = await context.NewPageAsync();
        await page.GotoAsync(path);
        await page.Locator("[data-testid=circuit-interactive]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached, Timeout = 60_000 });
        return context;
    }

    /// One idle read, then each page: N circuits opened, read once their page-load connections are closed, closed again
    /// and past their retention before the next page, so each page's circuits are counted on the same idle base.
    public static async Task<IReadOnlyList<MemoryResult>> RunAsync(AppHost app, int circuits, CancellationToken ct)
    {
        var (client, cookies) = await app.SignInAsync(BenchDatabase.StaffEmail, BenchDatabase.StaffPassword, ct);
        client.Dispose();
        var cookie = cookies.GetCookies(app.BaseAddress).Single(c => c.Name == "TechCourse.Auth");
        var results = new List<MemoryResult>();
        long idle = 0, idleHeap = 0;
        var page = Pages[0];
        try
        {
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = "/usr/bin/chromium",
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
            });
            // Warm-up circuits on every page, closed again: the first ones pay one-off costs (JIT, component metadata) that are not per circuit.
            var warmUp = new List<IBrowserContext>();
            foreach (var path in Pages)
                for (var k = 0; k < WarmUpCircuits; k++) warmUp.Add(await OpenCircuitAsync(browser, app, cookie, path));
            foreach (var context in warmUp) await context.CloseAsync();
            await Task.Delay(WarmUpCircuitsReleased, ct);
            idleHeap = await ServerGc.CollectAsync(app.ProcessId, ct);
            idle = app.WorkingSetKiB();

            foreach (var path in Pages)
            {
                page = path;
                Console.WriteLine($"memory: {circuits} circuits on {path}…");
                var contexts = new List<IBrowserContext>();
                for (var k = 0; k < circuits; k++) contexts.Add(await OpenCircuitAsync(browser, app, cookie, path));
                await Task.Delay(PageLoadConnectionsClosed, ct);
                var openHeap = await ServerGc.CollectAsync(app.ProcessId, ct);
                var open = app.WorkingSetKiB();
                foreach (var context in contexts) await context.CloseAsync();
                results.Add(new MemoryResult(path, circuits, idle, open, idleHeap, openHeap, null));
                if (path != Pages[^1]) await Task.Delay(WarmUpCircuitsReleased, ct);
            }
            return results;
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException or Microsoft.Diagnostics.NETCore.Client.DiagnosticsClientException)
        {
            results.Add(new MemoryResult(page, circuits, idle, 0, idleHeap, 0, e.Message.Split('\n')[0]));
            return results;
        }
    }
}
