using Microsoft.Playwright;

namespace TechCourse.Admin.Tests.Support;

// One headless Debian chromium per test run; each test opens its own context.
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";
    private IPlaywright? playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException($"The browser tests need Debian's chromium at {ChromiumPath}: apt-get install -y chromium (.ci/run installs it).");
        // Web-first assertions keep retrying like the contexts' actions do (30 s), not Playwright's 5 s default,
        // which a busy two-core CI machine can outlast on a live update.
        Assertions.SetDefaultExpectTimeout(30_000);
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
        });
    }

    public async Task<IPage> NewPageAsync(Uri baseAddress)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseAddress.ToString(), ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    // Pages are prerendered before their circuit connects; clicks before that are lost.
    public static Task WaitUntilInteractiveAsync(IPage page) =>
        page.Locator("[data-testid=circuit-interactive]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });

    // Signs in through the real form and waits for the page it returns to to become interactive.
    public static async Task SignInAsync(IPage page, string email, string password, string returnUrl = "/")
    {
        await page.GotoAsync($"/account/sign-in?returnUrl={Uri.EscapeDataString(returnUrl)}");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await WaitUntilInteractiveAsync(page);
    }

    // Types into a MudAutocomplete and clicks the first suggestion containing the text. Under load an input can reach
    // the circuit before the component listens, so a list that has not shown the suggestion in 10 s is asked again.
    public static async Task PickSuggestionAsync(IPage page, string label, string typed, string suggestion)
    {
        var input = page.GetByLabel(label, new() { Exact = true });
        var item = page.Locator(".mud-popover-open .mud-list-item", new() { HasText = suggestion }).First;
        for (var attempt = 1; ; attempt++)
        {
            await input.FillAsync("");
            await input.FillAsync(typed);
            try
            {
                await item.WaitForAsync(new LocatorWaitForOptions { Timeout = 10_000 });
                break;
            }
            catch (TimeoutException) when (attempt < 3)
            {
            }
        }
        await item.ClickAsync();
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(RepositoryPaths.ArtifactsDirectory, $"{name}.png"), FullPage = true });

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        playwright?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
