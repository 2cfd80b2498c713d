using System.Globalization;
using Dapper;
using Microsoft.Playwright;
using Npgsql;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Browser;

// Each role's home page: its figures against a recomputation from the database, and one change made in a second
// browser context showing up without a reload.
[Collection(BrowserCollection.Name)]
public sealed class HomeJourneyTests(BrowserFixture browser, RunningAppFixture app) : IClassFixture<RunningAppFixture>
{
    private static readonly CultureInfo Us = CultureInfo.GetCultureInfo("en-US");
    private static readonly LocatorWaitForOptions Live = new() { Timeout = 15_000 };

    private async Task<(long Enrollments, decimal Revenue)> RecomputedAsync(string zone, int fromDaysAgo, string? instructorEmail = null)
    {
        await using var owner = new NpgsqlConnection(app.OwnerConnectionString);
        return await owner.QuerySingleAsync<(long, decimal)>("""
            SELECT count(*), coalesce(sum(e.amount_paid), 0)
            FROM enrollments e JOIN courses c ON c.course_id = e.course_id
            WHERE (e.enrolled_at AT TIME ZONE @zone)::date >= (now() AT TIME ZONE @zone)::date - @fromDaysAgo
              AND (@instructorEmail::text IS NULL OR c.instructor_id = (SELECT user_id FROM users WHERE email = @instructorEmail))
            """, new { zone, fromDaysAgo, instructorEmail });
    }

    private static async Task<IPage> HomeAsync(IPage page, string email, string password)
    {
        await BrowserFixture.SignInAsync(page, email, password, "/");
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        await page.GetByTestId("period-2-revenue").WaitForAsync();
        return page;
    }

    private static async Task<string> ZoneAsync(IPage page) => await page.GetByTestId("zone-statement").Locator("b").InnerTextAsync();

    private static string Enrollments(long n) => $"{n.ToString("N0", Us)} {(n == 1 ? "enrollment" : "enrollments")}";

    [Fact]
    public async Task An_instructor_sees_only_their_own_figures_and_a_price_change_from_another_window_appears_live()
    {
        const string Email = "instructor@techcourse.com";
        var tag = Guid.NewGuid().ToString("N")[..8];
        var title = $"Home live {tag}";
        await using (var owner = new NpgsqlConnection(app.OwnerConnectionString))
            await owner.ExecuteAsync("INSERT INTO courses (instructor_id, title, price, is_published) SELECT user_id, @title, 50, true FROM users WHERE email = @Email", new { title, Email });
        var home = await HomeAsync(await browser.NewPageAsync(app.App.BaseAddress), Email, "instructor-demo-password");
        var zone = await ZoneAsync(home);

        var (enrollments, revenue) = await RecomputedAsync(zone, 29, Email);
        await Assertions.Expect(home.GetByTestId("period-2-revenue")).ToHaveTextAsync(revenue.ToString("C2", Us));
        await Assertions.Expect(home.GetByTestId("period-2-enrollments")).ToHaveTextAsync(Enrollments(enrollments));
        await using (var owner = new NpgsqlConnection(app.OwnerConnectionString))
        {
            var others = (await owner.QueryAsync<string>("SELECT title FROM courses WHERE instructor_id <> (SELECT user_id FROM users WHERE email = @Email)", new { Email })).ToHashSet();
            var shown = await home.GetByTestId("top-courses").Locator("a").AllInnerTextsAsync();
            Assert.NotEmpty(shown);
            Assert.DoesNotContain(shown, others.Contains);
        }
        await Assertions.Expect(home.GetByTestId("attention")).ToContainTextAsync(title);
        await BrowserFixture.ScreenshotAsync(home, "home-instructor");

        var other = await browser.NewPageAsync(app.App.BaseAddress);
        await BrowserFixture.SignInAsync(other, Email, "instructor-demo-password", $"/courses?q={tag}");
        await other.GetByRole(AriaRole.Button, new() { Name = $"Change price of {title}" }).ClickAsync();
        await other.GetByLabel("New price").FillAsync("42.50");
        await other.GetByRole(AriaRole.Button, new() { Name = "Save price" }).ClickAsync();
        await other.GetByText($"{title}: price is now $42.50.").WaitForAsync();

        var row = home.GetByTestId("latest-price-changes").Locator("tr").Filter(new() { HasText = title });
        await row.WaitForAsync(Live);
        Assert.Contains("$50.00 → $42.50", await row.InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await home.EvaluateAsync<int>("performance.getEntriesByType('navigation').filter(n => n.type === 'reload').length"));
        await home.Context.CloseAsync();
        await other.Context.CloseAsync();
    }

    [Fact]
    public async Task An_instructors_home_page_over_http_holds_only_their_own_courses_figures()
    {
        using var client = await app.SignedInClientAsync("instructor@techcourse.com", "instructor-demo-password");

        var html = System.Net.WebUtility.HtmlDecode(await client.GetStringAsync(new Uri("/", UriKind.Relative)));

        var (_, own) = await RecomputedAsync("UTC", 29, "instructor@techcourse.com");
        var (_, platform) = await RecomputedAsync("UTC", 29);
        Assert.Contains("Figures of your own courses only", html, StringComparison.Ordinal);
        Assert.Contains($">{own.ToString("C2", Us)}<", html, StringComparison.Ordinal);
        Assert.True(platform > own, "the demo data has other instructors' sales");
        Assert.DoesNotContain($">{platform.ToString("C2", Us)}<", html, StringComparison.Ordinal);
        await using var owner = new NpgsqlConnection(app.OwnerConnectionString);
        var others = await owner.QueryAsync<string>("""
            SELECT title FROM courses WHERE instructor_id <> (SELECT user_id FROM users WHERE email = 'instructor@techcourse.com')
              AND title NOT IN (SELECT title FROM courses WHERE instructor_id = (SELECT user_id FROM users WHERE email = 'instructor@techcourse.com'))
            """);
        Assert.All(others, title => Assert.DoesNotContain($">{title}<", html, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Accounting_sees_the_platforms_figures_and_an_enrollment_made_by_an_admin_appears_live()
    {
        var home = await HomeAsync(await browser.NewPageAsync(app.App.BaseAddress), "accounting@techcourse.com", "accounting-demo-password");
        var zone = await ZoneAsync(home);
        var (enrollments, revenue) = await RecomputedAsync(zone, 0);
        await Assertions.Expect(home.GetByTestId("period-0-revenue")).ToHaveTextAsync(revenue.ToString("C2", Us));
        await Assertions.Expect(home.GetByTestId("period-0-enrollments")).ToHaveTextAsync(Enrollments(enrollments));
        await BrowserFixture.ScreenshotAsync(home, "home-accounting");

        var email = $"home-{Guid.NewGuid():N}"[..18] + "@example.com";
        string title;
        decimal price;
        await using (var owner = new NpgsqlConnection(app.OwnerConnectionString))
        {
            await owner.ExecuteAsync("INSERT INTO users (email, role) VALUES (@email, 'Student')", new { email });
            (title, price) = await owner.QueryFirstAsync<(string, decimal)>("SELECT title, price FROM courses WHERE is_published AND price > 0 ORDER BY course_id LIMIT 1");
        }
        var admin = await browser.NewPageAsync(app.App.BaseAddress);
        await BrowserFixture.SignInAsync(admin, "admin@techcourse.com", "admin-demo-password", "/enrollments");
        await BrowserFixture.WaitUntilInteractiveAsync(admin);
        await BrowserFixture.PickSuggestionAsync(admin, "Student", email[..14], email);
        await BrowserFixture.PickSuggestionAsync(admin, "Course", title, title);
        await admin.GetByRole(AriaRole.Button, new() { Name = "Save enrollment" }).ClickAsync();
        await Assertions.Expect(admin.GetByTestId("enroll-notice")).ToContainTextAsync($"Enrolled {email}");

        var (after, afterRevenue) = await RecomputedAsync(zone, 0);
        Assert.Equal(revenue + price, afterRevenue);
        await Assertions.Expect(home.GetByTestId("period-0-revenue")).ToHaveTextAsync(afterRevenue.ToString("C2", Us), new() { Timeout = 15_000 });
        await Assertions.Expect(home.GetByTestId("period-0-enrollments")).ToHaveTextAsync(Enrollments(after));
        await home.Context.CloseAsync();
        await admin.Context.CloseAsync();
    }

    [Fact]
    public async Task An_admin_sees_platform_figures_and_health_and_a_user_created_in_another_window_appears_live()
    {
        var home = await HomeAsync(await browser.NewPageAsync(app.App.BaseAddress), "admin@techcourse.com", "admin-demo-password");
        await using var owner = new NpgsqlConnection(app.OwnerConnectionString);
        var (students, enrollments, revenue) = await owner.QuerySingleAsync<(long, long, decimal)>(
            "SELECT (SELECT count(*) FROM users WHERE role = 'Student'), (SELECT count(*) FROM enrollments), (SELECT sum(amount_paid) FROM enrollments)");
        await Assertions.Expect(home.GetByTestId("students-value")).ToHaveTextAsync(students.ToString("N0", Us));
        await Assertions.Expect(home.GetByTestId("enrollments-value")).ToHaveTextAsync($"{enrollments.ToString("N0", Us)} enrollments");
        await Assertions.Expect(home.GetByTestId("gross-revenue-value")).ToHaveTextAsync(revenue.ToString("C2", Us));
        await Assertions.Expect(home.GetByTestId("health-database-level")).ToHaveTextAsync("green");
        await Assertions.Expect(home.GetByTestId("health-sessions")).Not.ToHaveTextAsync("0");
        await BrowserFixture.ScreenshotAsync(home, "home-admin");

        var other = await browser.NewPageAsync(app.App.BaseAddress);
        await BrowserFixture.SignInAsync(other, "admin@techcourse.com", "admin-demo-password", "/users");
        await other.GetByRole(AriaRole.Button, new() { Name = "New user" }).ClickAsync();
        await other.GetByRole(AriaRole.Dialog).GetByLabel("Email").FillAsync($"home-{Guid.NewGuid():N}"[..18] + "@example.com");
        await other.GetByRole(AriaRole.Button, new() { Name = "Create user" }).ClickAsync();
        await other.GetByText("User created.").WaitForAsync();

        var now = await owner.ExecuteScalarAsync<long>("SELECT count(*) FROM users WHERE role = 'Student'");
        await Assertions.Expect(home.GetByTestId("students-value")).ToHaveTextAsync(now.ToString("N0", Us), new() { Timeout = 15_000 });
        await home.Context.CloseAsync();
        await other.Context.CloseAsync();
    }
}
