using Microsoft.Playwright;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Browser;

public enum Theme { Light, Dark }

public sealed record ScreenSize(string Name, int Width, int Height)
{
    public static readonly ScreenSize Desktop = new("1440", 1440, 900);
    public static readonly ScreenSize Phone = new("390", 390, 844);
    public static readonly IReadOnlyList<ScreenSize> Both = [Desktop, Phone];
}

public sealed record Role(string Name, string Email, string Password, IReadOnlyList<string> Pages)
{
    public static Role For(string role, IReadOnlyList<string> pages)
    {
        var (email, _, password) = DemoAccounts.All.Single(a => a.Role == role);
        return new Role(role, email, password, pages);
    }

    public override string ToString() => Name;
}

// Every page each demo role can open, and how to open one signed in, at a size and in a theme, with its data shown.
public static class Screens
{
    public static IReadOnlyList<Role> Roles(Guid student) =>
    [
        Role.For(StaffRoles.Admin, ["/", "/courses", "/campaigns", "/enrollments", "/users", $"/users/{student}", "/sales", "/audit", "/analytics"]),
        Role.For(StaffRoles.Instructor, ["/", "/courses", "/campaigns", "/enrollments", "/sales", "/audit"]),
        Role.For(StaffRoles.Accounting, ["/", "/enrollments", "/sales", "/analytics"]),
    ];

    // A signed-in page whose browser prefers the theme (the app follows the system preference on a first visit).
    public static async Task<IPage> SignedInAsync(BrowserFixture browser, Uri baseAddress, Role role, ScreenSize size, Theme theme)
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = size.Width, Height = size.Height },
            ColorScheme = theme == Theme.Dark ? ColorScheme.Dark : ColorScheme.Light,
            ReducedMotion = ReducedMotion.Reduce,
        });
        context.SetDefaultTimeout(15_000);
        var page = await context.NewPageAsync();
        await BrowserFixture.SignInAsync(page, role.Email, role.Password);
        return page;
    }

    // Opens a page, waits for its circuit and its data, and makes sure it shows the theme.
    public static async Task OpenAsync(IPage page, string path, Theme theme)
    {
        await page.GotoAsync(path);
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        await EnsureThemeAsync(page, theme);
        await SettledAsync(page);
    }

    // The app follows the browser's preference (the context's colour scheme) once it knows it; the toggle fixes any other case.
    public static async Task EnsureThemeAsync(IPage page, Theme theme)
    {
        var wanted = theme == Theme.Dark ? "dark" : "light";
        var marker = page.GetByTestId("theme");
        await marker.WaitForAsync(new() { State = WaitForSelectorState.Attached });
        if (await marker.GetAttributeAsync("data-theme") != wanted)
            await page.GetByRole(AriaRole.Button, new() { Name = theme == Theme.Dark ? "Switch to dark mode" : "Switch to light mode" }).EvaluateAsync("b => b.click()");
        await page.Locator($"[data-testid=theme][data-theme={wanted}]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
    }

    // The layout has applied the theme and the drawer has learnt the window's width from the browser (both after the
    // circuit's first render).
    public static async Task SettledLayoutAsync(IPage page)
    {
        await page.GetByTestId("theme").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await page.GetByTestId("drawer-settled").WaitForAsync(new() { State = WaitForSelectorState.Attached });
    }

    // The layout has learnt the window's width (which side of the drawer's 960 px breakpoint it is on) and every
    // transition has ended: the drawer's slide and its scrim's fade, a button's colours after a theme switch. axe on a
    // frame in between measures colours no one sees for long. Endless animations (a spinner) do not count.
    public static Task StillAsync(IPage page, ScreenSize size) =>
        page.WaitForFunctionAsync("""
            narrow => document.querySelector(`[data-testid=drawer-settled][data-narrow="${narrow}"]`) !== null
                && document.getAnimations().every(a => a.playState !== 'running' || a.effect?.getComputedTiming().iterations === Infinity)
            """, size.Width < 960, new() { PollingInterval = 100 });

    // Nothing is loading any more (or 10 s have passed: a page that keeps loading is then checked as it stands).
    public static async Task SettledAsync(IPage page)
    {
        try
        {
            await page.WaitForFunctionAsync("() => document.querySelectorAll('[role=progressbar]').length === 0", null, new() { Timeout = 10_000, PollingInterval = 100 });
        }
        catch (TimeoutException)
        {
        }
        await page.WaitForTimeoutAsync(300);
    }

    public static string Name(Role role, string path, ScreenSize size, Theme theme, string? state = null)
    {
        var pageName = path == "/" ? "home" : path.Trim('/').Replace('/', '-');
        if (pageName.StartsWith("users-", StringComparison.Ordinal)) pageName = "user-detail";
        return $"{pageName}{(state is null ? "" : "-" + state)}-{role.Name.ToLowerInvariant()}-{theme.ToString().ToLowerInvariant()}-{size.Name}";
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(RepositoryPaths.ArtifactsDirectory, "screens", $"{name}.png"), FullPage = true });
}
