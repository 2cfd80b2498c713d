using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class SignInJourneyTests(BrowserFixture browser, RunningAppFixture app) : IClassFixture<RunningAppFixture>
{
    private static readonly Dictionary<string, string[]> NavigationByRole = new()
    {
        [StaffRoles.Admin] = ["Home", "Courses", "Campaigns", "Enrollments", "Users", "Sales", "Audit log", "Analytics"],
        [StaffRoles.Instructor] = ["Home", "Courses", "Campaigns", "Enrollments", "Sales", "Audit log"],
        [StaffRoles.Accounting] = ["Home", "Enrollments", "Sales", "Analytics"],
    };

    [Fact]
    public async Task Each_demo_role_signs_in_in_a_real_browser_sees_its_own_navigation_and_signs_out()
    {
        foreach (var (email, role, password) in DemoAccounts.All)
        {
            var page = await browser.NewPageAsync(app.App.BaseAddress);
            await BrowserFixture.SignInAsync(page, email, password);

            var links = await page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" }).GetByRole(AriaRole.Link).AllInnerTextsAsync();
            Assert.Equal(NavigationByRole[role], links.Select(l => l.Trim()));
            var account = page.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Account: ") });
            Assert.Equal($"Account: {email} ({role})", await account.GetAttributeAsync("aria-label"), ignoreCase: true);
            await BrowserFixture.ScreenshotAsync(page, $"navigation-{role.ToLowerInvariant()}");

            await account.ClickAsync();
            await page.GetByRole(AriaRole.Menuitem, new() { Name = "Sign out", Exact = true }).ClickAsync();
            await Assertions.Expect(page).ToHaveURLAsync(new Regex("/account/sign-in\\?signedOut=true$"), new() { Timeout = 30_000 });
            await page.GotoAsync("/");
            Assert.Contains("/account/sign-in", page.Url, StringComparison.Ordinal);
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task Signing_in_and_out_works_without_javascript_and_the_message_shows_at_the_form()
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = app.App.BaseAddress.ToString(), JavaScriptEnabled = false });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/users");

        await page.GetByLabel("Email").FillAsync("admin@techcourse.com");
        await page.GetByLabel("Password").FillAsync("wrong password, sorry");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        Assert.Equal("The email or password is incorrect.", await page.GetByRole(AriaRole.Alert).InnerTextAsync());

        await page.GetByLabel("Email").FillAsync("admin@techcourse.com");
        await page.GetByLabel("Password").FillAsync("admin-demo-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        Assert.EndsWith("/users", page.Url, StringComparison.Ordinal);

        await page.GotoAsync("/account/session");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out", Exact = true }).ClickAsync();
        Assert.Equal("You are signed out.", await page.GetByRole(AriaRole.Alert).InnerTextAsync());
        await page.GotoAsync("/");
        Assert.Contains("/account/sign-in", page.Url, StringComparison.Ordinal);
        await context.CloseAsync();
    }
}
