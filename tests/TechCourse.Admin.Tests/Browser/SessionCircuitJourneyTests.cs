using System.Text.RegularExpressions;
using System.Diagnostics;
using Microsoft.Playwright;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Infrastructure.Configuration;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Browser;

// Issue 19, section 1: an open circuit whose session ended elsewhere loses access within 30 s (the default settings).
[Collection(BrowserCollection.Name)]
public sealed class SessionCircuitJourneyTests(BrowserFixture browser, SessionApp app) : IClassFixture<SessionApp>
{
    [Fact]
    public async Task An_open_page_whose_session_ended_in_another_browser_goes_to_sign_in_within_thirty_seconds()
    {
        var instructor = await app.StaffAsync(StaffRoles.Instructor);
        var page = await browser.NewPageAsync(app.App.BaseAddress);
        await BrowserFixture.SignInAsync(page, instructor.Email, instructor.Password, "/courses");
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        var (phone, _) = await app.SignInAsync(instructor.Email, instructor.Password);

        await SessionApp.PostAccountFormAsync(phone, AccountEndpoints.SignOutEverywherePath);
        var clock = Stopwatch.StartNew();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/account/sign-in\\?"), new() { Timeout = 45_000 });

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(33), $"the open page kept its session for {clock.Elapsed.TotalSeconds:F1} s");
        Assert.Contains("returnUrl=%2Fcourses", page.Url, StringComparison.Ordinal);
        await BrowserFixture.ScreenshotAsync(page, "session-ended-elsewhere");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_user_menu_offers_changing_the_password_and_signing_out_everywhere()
    {
        var page = await browser.NewPageAsync(app.App.BaseAddress);
        await BrowserFixture.SignInAsync(page, ExternalApp.AdminEmail, ExternalApp.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Account: ") }).ClickAsync();
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Sign out everywhere" }).WaitForAsync();
        await BrowserFixture.ScreenshotAsync(page, "user-menu-sessions");

        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Change password" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/account/password$"), new() { Timeout = 30_000 });
        await page.GetByLabel("Current password").FillAsync(ExternalApp.AdminPassword);
        await page.GetByLabel("New password", new() { Exact = true }).FillAsync("password1234");
        await page.GetByLabel("New password again").FillAsync("password1234");
        await page.GetByRole(AriaRole.Button, new() { Name = "Change password" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("common or breached");
        await BrowserFixture.ScreenshotAsync(page, "change-password-refused");
        await page.Context.CloseAsync();
    }

    [Fact]
    public void The_default_revalidation_interval_is_thirty_seconds_at_most_and_a_longer_one_is_refused()
    {
        Assert.True(new AuthOptions().RevalidationInterval <= TimeSpan.FromSeconds(30));
        var refused = new SettingsValidator<AuthOptions>().Validate(null, new AuthOptions { RevalidationInterval = TimeSpan.FromSeconds(31) });
        Assert.Contains(refused.Failures ?? [], f => f.StartsWith("Auth:RevalidationInterval is '00:00:31'", StringComparison.Ordinal));
    }
}
