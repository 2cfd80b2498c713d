using Dapper;
using Microsoft.Playwright;
using Npgsql;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class AuditTimelineJourneyTests(BrowserFixture browser, RunningAppFixture app) : IClassFixture<RunningAppFixture>
{
    /// The Courses page (issue 4) is not on this branch, so the instructor's price change is made the way that page
    /// makes it: as the runtime role inside the app's actor transaction for the signed-in instructor.
    [Fact]
    public async Task An_admin_watching_the_timeline_sees_an_instructors_price_change_appear_without_reloading()
    {
        var admin = await browser.NewPageAsync(app.App.BaseAddress);
        await BrowserFixture.SignInAsync(admin, "admin@techcourse.com", "admin-demo-password", "/audit");
        await admin.GetByTestId("live-status").Filter(new() { HasText = "Live" }).WaitForAsync();
        var instructorPage = await browser.NewPageAsync(app.App.BaseAddress);
        await BrowserFixture.SignInAsync(instructorPage, "instructor@techcourse.com", "instructor-demo-password", "/audit");
        var reason = $"Launch discount {Guid.NewGuid():N}"[..24];

        await using var dataSource = NpgsqlDataSource.Create(app.OwnerConnectionString);
        var (instructor, course, price) = await OwnCourseAsync(dataSource);
        await using (var connection = await dataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginAsActorAsync(new Actor(instructor, "instructor@techcourse.com", StaffRoles.Instructor), CancellationToken.None))
        {
            await connection.ExecuteAsync("SELECT set_config('app.change_reason', @reason, true)", new { reason }, transaction);
            await connection.ExecuteAsync("SET LOCAL ROLE techcourse_app", transaction: transaction);
            await connection.ExecuteAsync("UPDATE courses SET price = @price WHERE course_id = @course", new { price = price + 1, course }, transaction);
            await transaction.CommitAsync();
        }

        var entry = admin.GetByTestId("audit-entry").Filter(new() { HasText = reason });
        await entry.WaitForAsync(new() { Timeout = 5_000 });
        Assert.Contains("instructor@techcourse.com (Instructor)", await entry.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await admin.EvaluateAsync<int>("performance.getEntriesByType('navigation').filter(n => n.type === 'reload').length"));
        await instructorPage.GetByTestId("audit-entry").Filter(new() { HasText = reason }).WaitForAsync(new() { Timeout = 5_000 });
        await BrowserFixture.ScreenshotAsync(admin, "audit-timeline-live");

        await admin.GetByRole(AriaRole.Button, new() { Name = "Verify integrity" }).ClickAsync();
        await Assertions.Expect(admin.GetByTestId("verify-result")).ToContainTextAsync("Chain intact", new() { Timeout = 60_000 });
        await admin.Context.CloseAsync();
        await instructorPage.Context.CloseAsync();
    }

    private static async Task<(Guid Instructor, int Course, decimal Price)> OwnCourseAsync(NpgsqlDataSource dataSource)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var instructor = await connection.QuerySingleAsync<Guid>("SELECT user_id FROM users WHERE email = 'instructor@techcourse.com'");
        var course = await connection.QueryFirstOrDefaultAsync<(int Id, decimal Price)?>(
            "SELECT course_id, price FROM courses WHERE instructor_id = @instructor ORDER BY course_id LIMIT 1", new { instructor });
        if (course is { } own) return (instructor, own.Id, own.Price);
        var assigned = await connection.QuerySingleAsync<(int Id, decimal Price)>(
            "UPDATE courses SET instructor_id = @instructor WHERE course_id = (SELECT min(course_id) FROM courses) RETURNING course_id, price", new { instructor });
        return (instructor, assigned.Id, assigned.Price);
    }
}
