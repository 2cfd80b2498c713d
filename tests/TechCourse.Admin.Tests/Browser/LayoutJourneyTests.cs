using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class LayoutJourneyTests(BrowserFixture browser, RunningAppFixture app) : IClassFixture<RunningAppFixture>
{
    [Fact]
    public async Task The_user_menu_opens_under_its_button_and_closes_on_escape_and_on_a_click_outside_it()
    {
        var page = await browser.NewPageAsync(app.App.BaseAddress);
        await BrowserFixture.SignInAsync(page, "admin@techcourse.com", "admin-demo-password");
        var menuButton = page.GetByRole(AriaRole.Button, new() { Name = "Account: admin@techcourse.com (Admin)" });
        var signOut = page.GetByRole(AriaRole.Menuitem, new() { Name = "Sign out", Exact = true });

        await menuButton.ClickAsync();
        await signOut.WaitForAsync();
        Assert.Equal("true", await menuButton.GetAttributeAsync("aria-expanded"));
        await BrowserFixture.ScreenshotAsync(page, "layout-user-menu");
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(signOut).Not.ToBeVisibleAsync();
        await Assertions.Expect(menuButton).ToBeFocusedAsync();

        await menuButton.ClickAsync();
        await signOut.WaitForAsync();
        await page.Mouse.ClickAsync(700, 600);
        await Assertions.Expect(signOut).Not.ToBeVisibleAsync();
        Assert.Equal("false", await menuButton.GetAttributeAsync("aria-expanded"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task On_a_wide_window_the_navigation_shows_and_the_menu_button_hides_and_shows_it_again()
    {
        var page = await browser.NewPageAsync(app.App.BaseAddress);
        await BrowserFixture.SignInAsync(page, "admin@techcourse.com", "admin-demo-password");
        var courses = Navigation(page).GetByRole(AriaRole.Link, new() { Name = "Courses" });
        var toggle = page.GetByRole(AriaRole.Button, new() { Name = "Toggle navigation" });
        Assert.True(await courses.IsVisibleAsync());

        await toggle.ClickAsync();
        await Assertions.Expect(courses).Not.ToBeInViewportAsync();
        Assert.Equal("false", await toggle.GetAttributeAsync("aria-expanded"));
        await toggle.ClickAsync();
        await Assertions.Expect(courses).ToBeInViewportAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task On_a_narrow_window_the_navigation_starts_hidden_opens_over_the_page_and_closes_on_its_backdrop_or_after_a_link()
    {
        var page = await browser.NewPageAsync(app.App.BaseAddress);
        await page.SetViewportSizeAsync(600, 800);
        await BrowserFixture.SignInAsync(page, "admin@techcourse.com", "admin-demo-password");
        await Screens.SettledLayoutAsync(page);
        var courses = Navigation(page).GetByRole(AriaRole.Link, new() { Name = "Courses" });
        await Assertions.Expect(courses).Not.ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Toggle navigation" }).ClickAsync();
        await Assertions.Expect(courses).ToBeInViewportAsync();
        await BrowserFixture.ScreenshotAsync(page, "layout-narrow-navigation");

        await page.Mouse.ClickAsync(500, 400);
        await Assertions.Expect(courses).Not.ToBeInViewportAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Toggle navigation" }).ClickAsync();
        await courses.ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/courses$"), new() { Timeout = 30_000 });
        await Assertions.Expect(courses).Not.ToBeInViewportAsync();
        await page.Context.CloseAsync();
    }

    private static ILocator Navigation(IPage page) => page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" });
}
