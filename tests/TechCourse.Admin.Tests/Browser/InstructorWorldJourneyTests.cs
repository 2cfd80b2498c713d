using Dapper;
using Microsoft.Playwright;
using Npgsql;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Browser;

// Issue 19, section 4 in a real browser, on the demo data (eight instructors): what the demo instructor is offered and shown.
[Collection(BrowserCollection.Name)]
public sealed class InstructorWorldJourneyTests(BrowserFixture browser, RunningAppFixture app) : IClassFixture<RunningAppFixture>
{
    private const string Instructor = "instructor@techcourse.com";

    [Fact]
    public async Task The_student_filter_suggests_to_an_instructor_only_students_of_their_own_courses()
    {
        HashSet<string> own;
        await using (var owner = new NpgsqlConnection(app.OwnerConnectionString))
            own = (await owner.QueryAsync<string>("""
                SELECT DISTINCT u.email FROM users u JOIN enrollments e ON e.student_id = u.user_id JOIN courses c ON c.course_id = e.course_id
                JOIN users i ON i.user_id = c.instructor_id WHERE i.email = @Instructor
                """, new { Instructor })).ToHashSet(StringComparer.Ordinal);
        var page = await browser.NewPageAsync(app.App.BaseAddress);
        await BrowserFixture.SignInAsync(page, Instructor, "instructor-demo-password", "/enrollments");

        var suggested = await SuggestionsAsync(page.GetByLabel("Filter by student", new() { Exact = true }), page, "e");
        await BrowserFixture.ScreenshotAsync(page, "enrollments-student-filter-instructor");

        Assert.NotEmpty(suggested);
        Assert.All(suggested, email => Assert.Contains(email.Trim(), own));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_course_and_changed_by_filters_offer_an_instructor_only_their_own_courses_and_the_people_who_changed_them()
    {
        HashSet<string> titles, actors;
        await using (var owner = new NpgsqlConnection(app.OwnerConnectionString))
        {
            titles = (await owner.QueryAsync<string>("""
                SELECT c.title FROM courses c JOIN users i ON i.user_id = c.instructor_id WHERE i.email = @Instructor
                """, new { Instructor })).ToHashSet(StringComparer.Ordinal);
            actors = (await owner.QueryAsync<string>("""
                SELECT DISTINCT u.email || ' (' || u.role || ')' FROM price_changes pc JOIN courses c ON c.course_id = pc.course_id
                JOIN users i ON i.user_id = c.instructor_id JOIN users u ON u.user_id = pc.changed_by WHERE i.email = @Instructor
                """, new { Instructor })).ToHashSet(StringComparer.Ordinal);
        }
        var page = await browser.NewPageAsync(app.App.BaseAddress);
        await BrowserFixture.SignInAsync(page, Instructor, "instructor-demo-password", "/enrollments");

        var enrollmentCourses = await SuggestionsAsync(page.GetByLabel("Filter by course", new() { Exact = true }), page, "a");
        await page.GotoAsync("/audit");
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        var auditCourses = await SuggestionsAsync(page.GetByTestId("filter-course"), page, "a");
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(page.Locator(".mud-popover-open .mud-list-item")).ToHaveCountAsync(0);
        var changedBy = await SuggestionsAsync(page.GetByTestId("filter-actor"), page, "@");
        await BrowserFixture.ScreenshotAsync(page, "audit-changed-by-instructor");

        // A course suggestion starts with its title (the audit's adds " (#id)"); each title is one of the instructor's.
        Assert.NotEmpty(enrollmentCourses);
        Assert.NotEmpty(auditCourses);
        Assert.All(enrollmentCourses.Concat(auditCourses), label => Assert.Contains(titles, title => label.Trim().StartsWith(title, StringComparison.Ordinal)));
        // The demo's price changes were all made outside the app, so the instructor is offered that choice and no staff
        // account (an admin is offered every one of them).
        Assert.Equal(["Outside the app (any database role)", .. actors.Order(StringComparer.Ordinal)],
            changedBy.Select(label => label.Trim()).Order(StringComparer.Ordinal).OrderByDescending(label => label.StartsWith("Outside", StringComparison.Ordinal)));
        await Assertions.Expect(page.GetByTestId("filter-instructor")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    // The suggestions a MudAutocomplete offers for text. Under load the first keystrokes can reach the circuit before the
    // field listens: type again (as PickSuggestionAsync does).
    private static async Task<IReadOnlyList<string>> SuggestionsAsync(ILocator input, IPage page, string text)
    {
        var items = page.Locator(".mud-popover-open .mud-list-item");
        for (var attempt = 1; ; attempt++)
        {
            await input.FillAsync("");
            await input.FillAsync(text);
            try
            {
                await items.First.WaitForAsync(new() { Timeout = 10_000 });
                return await items.AllInnerTextsAsync();
            }
            catch (TimeoutException) when (attempt < 3)
            {
            }
        }
    }

    [Fact]
    public async Task An_instructor_sees_their_own_figures_and_no_verify_button_in_light_and_dark_at_both_widths()
    {
        var page = await browser.NewPageAsync(app.App.BaseAddress);
        await BrowserFixture.SignInAsync(page, Instructor, "instructor-demo-password", "/");

        await Assertions.Expect(page.GetByTestId("zone-statement")).ToContainTextAsync("Figures of your own courses only");
        await Assertions.Expect(page.GetByTestId("period-0")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("students")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("instructors")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("health")).ToHaveCountAsync(0);
        await BrowserFixture.ScreenshotAsync(page, "dashboard-instructor-1440-light");
        await page.GetByRole(AriaRole.Button, new() { Name = "Switch to dark mode" }).ClickAsync();
        await BrowserFixture.ScreenshotAsync(page, "dashboard-instructor-1440-dark");
        await page.SetViewportSizeAsync(390, 844);
        await BrowserFixture.ScreenshotAsync(page, "dashboard-instructor-390-dark");

        await page.GotoAsync("/audit");
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Export CSV of the filtered log" })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Verify integrity" })).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("sealed-up-to")).ToHaveCountAsync(0);
        await BrowserFixture.ScreenshotAsync(page, "audit-instructor-390-dark");
        await page.Context.CloseAsync();
    }
}
