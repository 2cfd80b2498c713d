using System.Globalization;
using Dapper;
using Microsoft.Playwright;
using Npgsql;
using TechCourse.Admin.Features.Enrollments;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class EnrollmentJourneyTests(BrowserFixture browser, RunningAppFixture app) : IClassFixture<RunningAppFixture>
{
    [Fact]
    public async Task An_admin_creates_a_student_enrolls_them_at_the_frozen_price_and_a_second_try_gets_the_duplicate_message()
    {
        await using var owner = new NpgsqlConnection(app.OwnerConnectionString);
        var (title, price) = await owner.QueryFirstAsync<(string, decimal)>(
            "SELECT title, price FROM courses WHERE is_published AND price > 0 ORDER BY course_id LIMIT 1");
        var priceText = price.ToString("C2", CultureInfo.GetCultureInfo("en-US"));
        var email = $"journey-{Guid.NewGuid():N}"[..20] + "@example.com";
        var (adminEmail, _, password) = DemoAccounts.All.Single(a => a.Role == StaffRoles.Admin);
        var page = await browser.NewPageAsync(app.App.BaseAddress);
        await BrowserFixture.SignInAsync(page, adminEmail, password, "/users");

        await page.GetByRole(AriaRole.Button, new() { Name = "New user" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByLabel("Email").FillAsync(email);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create user" }).ClickAsync();
        await page.GetByText("User created.").WaitForAsync();

        await page.GotoAsync("/enrollments");
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        await BrowserFixture.PickSuggestionAsync(page, "Student", email[..16], email);
        await BrowserFixture.PickSuggestionAsync(page, "Course", title, title);
        await Assertions.Expect(page.GetByLabel("Current price")).ToHaveValueAsync(priceText);
        await page.GetByRole(AriaRole.Button, new() { Name = "Save enrollment" }).ClickAsync();

        var notice = page.GetByTestId("enroll-notice");
        await Assertions.Expect(notice).ToContainTextAsync($"Enrolled {email} in {title} at {priceText}");
        var row = page.GetByRole(AriaRole.Row).Filter(new() { HasText = email });
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row).ToContainTextAsync(priceText);
        await BrowserFixture.ScreenshotAsync(page, "enrollment-saved");

        await page.GetByRole(AriaRole.Button, new() { Name = "Save enrollment" }).ClickAsync();
        await Assertions.Expect(page.Locator("#enroll-course-error")).ToHaveTextAsync(EnrollmentsQueries.AlreadyEnrolled);
        await Assertions.Expect(page.GetByRole(AriaRole.Alert).Filter(new() { HasText = EnrollmentsQueries.AlreadyEnrolled })).ToHaveCountAsync(1);
        await BrowserFixture.ScreenshotAsync(page, "enrollment-duplicate");
        Assert.Equal(1L, await owner.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM enrollments e JOIN users u ON u.user_id = e.student_id WHERE u.email = @email", new { email }));
        await page.Context.CloseAsync();
    }
}
