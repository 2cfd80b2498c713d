using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Playwright;
using Npgsql;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Browser;

// 390×844: no page scrolls sideways, the app bar fits, dialogs fill the screen, the drawer over the page keeps the
// focus and closes on Escape.
[Collection(BrowserCollection.Name)]
public sealed partial class PhoneLayoutTests(BrowserFixture browser, RunningAppFixture app) : IClassFixture<RunningAppFixture>
{
    [Fact]
    public async Task On_a_phone_no_page_scrolls_sideways_and_the_app_bar_fits_for_every_role()
    {
        await using var owner = new NpgsqlConnection(app.OwnerConnectionString);
        var student = await owner.ExecuteScalarAsync<Guid>("SELECT student_id FROM enrollments ORDER BY enrollment_id LIMIT 1");
        var problems = new List<string>();
        foreach (var role in Screens.Roles(student))
        {
            var page = await Screens.SignedInAsync(browser, app.App.BaseAddress, role, ScreenSize.Phone, Theme.Light);
            foreach (var path in role.Pages)
            {
                await Screens.OpenAsync(page, path, Theme.Light);
                var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
                var (scroll, client) = (widths[0], widths[1]);
                if (scroll > client) problems.Add($"{role} {path}: the page is {scroll} px wide in a {client} px window");
                var outside = await page.EvaluateAsync<string[]>("""
                    () => [...document.querySelectorAll('header button, header a')]
                        .filter(b => { const r = b.getBoundingClientRect(); return r.width > 0 && (r.left < 0 || r.right > window.innerWidth); })
                        .map(b => b.getAttribute('aria-label') ?? b.textContent.trim())
                    """);
                if (outside.Length > 0) problems.Add($"{role} {path}: app bar controls off-screen: {string.Join(", ", outside)}");
            }
            await page.Context.CloseAsync();
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public async Task On_a_phone_the_drawer_opens_over_the_page_keeps_the_focus_and_escape_closes_it_back_to_its_button()
    {
        var page = await PhoneAsync("/");
        var toggle = page.GetByRole(AriaRole.Button, new() { Name = "Toggle navigation" });
        var courses = page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" }).GetByRole(AriaRole.Link, new() { Name = "Courses" });
        await Assertions.Expect(courses).Not.ToBeInViewportAsync();

        await Keyboard.TabToAsync(page, toggle);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(courses).ToBeInViewportAsync();
        for (var i = 0; i < 12; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            // At the end of the drawer the focus trap sends the focus back to its start through the circuit (a server
            // round trip), so the check waits for the focus to settle on a link of the menu (not on the trap's edge).
            try
            {
                await page.WaitForFunctionAsync("() => document.activeElement?.closest(\"#main-drawer [aria-label='Main navigation']\") != null", null, new() { Timeout = 10_000 });
            }
            catch (TimeoutException)
            {
                Assert.Fail($"Tab number {i + 1} left the drawer");
            }
        }
        await page.Keyboard.PressAsync("Escape");

        await Assertions.Expect(courses).Not.ToBeInViewportAsync();
        await Assertions.Expect(toggle).ToBeFocusedAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task On_a_phone_a_tap_on_the_menu_button_before_the_page_is_interactive_is_not_lost()
    {
        var page = await Screens.SignedInAsync(browser, app.App.BaseAddress, Role.For(TechCourse.Admin.Infrastructure.Auth.StaffRoles.Admin, []), ScreenSize.Phone, Theme.Light);
        // The circuit is held back until the tap has been made: the tap lands on the prerendered page.
        var tapped = new TaskCompletionSource();
        await page.RouteAsync("**/_blazor/negotiate**", async route =>
        {
            await tapped.Task;
            await route.ContinueAsync();
        });
        await page.GotoAsync("/courses", new() { WaitUntil = WaitUntilState.DOMContentLoaded });
        var toggle = page.GetByRole(AriaRole.Button, new() { Name = "Toggle navigation" });
        var courses = page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" }).GetByRole(AriaRole.Link, new() { Name = "Courses" });

        await toggle.ClickAsync();
        Assert.Equal(0, await page.GetByTestId("circuit-interactive").CountAsync());
        tapped.SetResult();

        await Assertions.Expect(courses).ToBeInViewportAsync();
        Assert.Equal("true", await toggle.GetAttributeAsync("aria-expanded"));
        await BrowserFixture.ScreenshotAsync(page, "phone-drawer-opened-by-an-early-tap");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task On_a_phone_a_dialog_fills_the_screen_and_escape_closes_it_back_to_the_button_that_opened_it()
    {
        var page = await PhoneAsync("/courses");
        var edit = page.GetByRole(AriaRole.Button, new() { NameRegex = EditCourse() }).First;
        await Keyboard.TabToAsync(page, edit);
        await page.Keyboard.PressAsync("Enter");
        var dialog = page.GetByRole(AriaRole.Dialog);
        await dialog.GetByLabel("Title").First.WaitForAsync();

        // The dialog grows into place (MudBlazor's opening animation): its size is measured once the animation is over.
        LocatorBoundingBoxResult? box = null;
        var fillsTheScreen = await Filled(async () => (box = await page.Locator(".app-dialog").BoundingBoxAsync()) is { Width: >= 389, Height: >= 843 });
        Assert.True(fillsTheScreen, $"the dialog is {box?.Width}×{box?.Height}");
        await BrowserFixture.ScreenshotAsync(page, "phone-course-dialog");
        await page.Keyboard.PressAsync("Escape");

        await Assertions.Expect(dialog).ToHaveCountAsync(0);
        await Assertions.Expect(edit).ToBeFocusedAsync();
        await page.Context.CloseAsync();
    }

    private async Task<IPage> PhoneAsync(string path)
    {
        var page = await Screens.SignedInAsync(browser, app.App.BaseAddress, Role.For(TechCourse.Admin.Infrastructure.Auth.StaffRoles.Admin, []), ScreenSize.Phone, Theme.Light);
        await Screens.OpenAsync(page, path, Theme.Light);
        return page;
    }

    private static async Task<bool> Filled(Func<Task<bool>> condition)
    {
        try
        {
            await Eventually.WaitForAsync(condition, TimeSpan.FromSeconds(10), "the dialog to fill the screen");
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    [GeneratedRegex("^Edit ")]
    private static partial Regex EditCourse();
}
