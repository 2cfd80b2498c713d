using System.Globalization;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Playwright;
using Npgsql;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Browser;

// The four journeys of issue 20 with the keyboard only, each checked in the database.
[Collection(BrowserCollection.Name)]
public sealed partial class KeyboardJourneyTests(BrowserFixture browser, RunningAppFixture app) : IClassFixture<RunningAppFixture>
{
    private static readonly CultureInfo Us = CultureInfo.GetCultureInfo("en-US");

    [Fact]
    public async Task An_instructor_finds_a_course_changes_its_price_inline_with_a_reason_submitted_by_enter_and_sees_both_in_the_history()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var title = $"Keyboard pricing {tag}";
        await using var owner = new NpgsqlConnection(app.OwnerConnectionString);
        var course = await owner.ExecuteScalarAsync<int>("""
            INSERT INTO courses (instructor_id, title, price, is_published) SELECT user_id, @title, 50, true FROM users WHERE email = 'instructor@techcourse.com' RETURNING course_id
            """, new { title });
        var page = await browser.NewPageAsync(app.App.BaseAddress);
        await Keyboard.SignInAsync(page, "instructor@techcourse.com", "instructor-demo-password", "/courses");

        await Keyboard.TabToAsync(page, page.GetByLabel("Search titles"));
        await page.Keyboard.TypeAsync(tag);
        var priceButton = page.GetByRole(AriaRole.Button, new() { Name = $"$50.00, change price of {title}" });
        await priceButton.WaitForAsync();
        await Keyboard.TabToAsync(page, priceButton);
        await page.Keyboard.PressAsync("Enter");
        var newPrice = page.GetByLabel("New price");
        await Assertions.Expect(newPrice).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Control+A");
        await page.Keyboard.TypeAsync("42.50");
        await Keyboard.TabToAsync(page, page.GetByLabel("Reason (optional)"));
        await page.Keyboard.TypeAsync("Keyboard promotion");
        await page.Keyboard.PressAsync("Enter");

        await page.GetByText($"{title}: price is now $42.50.").WaitForAsync();
        var savedButton = page.GetByRole(AriaRole.Button, new() { Name = $"$42.50, change price of {title}" });
        await Assertions.Expect(savedButton).ToBeFocusedAsync();
        var history = page.GetByRole(AriaRole.Button, new() { Name = $"Price history of {title}" });
        await Keyboard.TabToAsync(page, history);
        await page.Keyboard.PressAsync("Enter");
        var entry = page.GetByRole(AriaRole.Dialog).Locator("tr.history-row").First;
        await Assertions.Expect(entry).ToContainTextAsync("$50.00 → $42.50");
        await Assertions.Expect(entry).ToContainTextAsync("Keyboard promotion");
        await BrowserFixture.ScreenshotAsync(page, "keyboard-price-history");
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        await Assertions.Expect(history).ToBeFocusedAsync();

        var (price, reason) = await owner.QuerySingleAsync<(decimal, string)>(
            "SELECT c.price, p.reason FROM courses c JOIN price_changes p USING (course_id) WHERE c.course_id = @course", new { course });
        Assert.Equal((42.50m, "Keyboard promotion"), (price, reason));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_admin_enrolls_a_student_with_the_keyboard()
    {
        await using var owner = new NpgsqlConnection(app.OwnerConnectionString);
        var email = $"kb-{Guid.NewGuid():N}"[..14] + "@example.com";
        await owner.ExecuteAsync("INSERT INTO users (email, role) VALUES (@email, 'Student')", new { email });
        var (course, title, price) = await owner.QueryFirstAsync<(int, string, decimal)>(
            "SELECT course_id, title, price FROM courses WHERE is_published AND price > 0 ORDER BY course_id LIMIT 1");
        var page = await browser.NewPageAsync(app.App.BaseAddress);
        await Keyboard.SignInAsync(page, "admin@techcourse.com", "admin-demo-password", "/enrollments");

        await Keyboard.TabToAsync(page, page.GetByLabel("Student", new() { Exact = true }));
        await PickWithKeyboardAsync(page, email[..10], email);
        await Keyboard.TabToAsync(page, page.GetByLabel("Course", new() { Exact = true }));
        await PickWithKeyboardAsync(page, title, title);
        await Assertions.Expect(page.GetByLabel("Current price")).ToHaveValueAsync(price.ToString("C2", Us));
        await Keyboard.TabToAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Save enrollment" }));
        await page.Keyboard.PressAsync("Enter");

        await Assertions.Expect(page.GetByTestId("enroll-notice")).ToContainTextAsync($"Enrolled {email} in {title}");
        await BrowserFixture.ScreenshotAsync(page, "keyboard-enrollment");
        Assert.Equal(price, await owner.ExecuteScalarAsync<decimal>(
            "SELECT e.amount_paid FROM enrollments e JOIN users u ON u.user_id = e.student_id WHERE u.email = @email AND e.course_id = @course", new { email, course }));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_accounting_user_changes_range_and_zone_and_exports_with_the_keyboard()
    {
        var page = await browser.NewPageAsync(app.App.BaseAddress);
        await Keyboard.SignInAsync(page, "accounting@techcourse.com", "accounting-demo-password", "/sales");
        await page.GetByTestId("day-total-revenue").WaitForAsync();

        await Keyboard.TabToAsync(page, page.GetByLabel("Range"));
        await page.Keyboard.PressAsync("Enter");
        await page.GetByRole(AriaRole.Option, new() { Name = "Last 90 days" }).WaitForAsync();
        await page.WaitForTimeoutAsync(300);
        for (var i = 0; i < 10 && !await IsHighlightedAsync(page, "Last 90 days"); i++) await DownAsync(page);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("[data-testid=days-table] tbody tr")).ToHaveCountAsync(90, new() { Timeout = 20_000 });
        await Keyboard.TabToAsync(page, page.GetByLabel("Time zone", new() { Exact = true }));
        await PickWithKeyboardAsync(page, "Kathmandu", "Asia/Kathmandu");
        await Assertions.Expect(page.GetByTestId("zone-statement")).ToContainTextAsync("Asia/Kathmandu");
        await Assertions.Expect(page.Locator("[data-testid=days-table] tbody tr")).ToHaveCountAsync(90, new() { Timeout = 20_000 });
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("zone=Asia%2FKathmandu"));
        var export = page.GetByRole(AriaRole.Link, new() { Name = "Export by day (CSV)" });
        await Keyboard.TabToAsync(page, export);
        var download = await page.RunAndWaitForDownloadAsync(() => page.Keyboard.PressAsync("Enter"));
        var lines = await File.ReadAllLinesAsync(await download.PathAsync());

        var name = DownloadName().Match(download.SuggestedFilename);
        Assert.True(name.Success, download.SuggestedFilename);
        await using var owner = new NpgsqlConnection(app.OwnerConnectionString);
        var (enrollments, revenue) = await owner.QuerySingleAsync<(long, decimal)>("""
            SELECT count(*), coalesce(sum(amount_paid), 0) FROM enrollments
            WHERE enrolled_at >= (@from::date)::timestamp AT TIME ZONE 'Asia/Kathmandu'
              AND enrolled_at < (@to::date + 1)::timestamp AT TIME ZONE 'Asia/Kathmandu'
            """, new { from = name.Groups[1].Value, to = name.Groups[2].Value });
        var total = lines[^1].Split(',');
        Assert.Equal((enrollments, revenue), (long.Parse(total[2], CultureInfo.InvariantCulture), decimal.Parse(total[3], CultureInfo.InvariantCulture)));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task An_admin_filters_the_audit_log_by_course_with_the_keyboard()
    {
        await using var owner = new NpgsqlConnection(app.OwnerConnectionString);
        var (course, title) = await owner.QueryFirstAsync<(int, string)>("""
            SELECT c.course_id, c.title FROM courses c JOIN price_changes p USING (course_id)
            GROUP BY c.course_id, c.title HAVING count(*) >= 1 AND (SELECT count(*) FROM courses o WHERE o.title = c.title) = 1 ORDER BY count(*) DESC, c.course_id LIMIT 1
            """);
        var changes = await owner.ExecuteScalarAsync<long>("SELECT count(*) FROM price_changes WHERE course_id = @course", new { course });
        var page = await browser.NewPageAsync(app.App.BaseAddress);
        await Keyboard.SignInAsync(page, "admin@techcourse.com", "admin-demo-password", "/audit");

        await Keyboard.TabToAsync(page, page.GetByTestId("filter-course"));
        await PickWithKeyboardAsync(page, title, $"{title} (#{course})");

        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"course={course}(&|$)"));
        var rows = page.Locator("tr.audit-entry");
        await Assertions.Expect(rows).ToHaveCountAsync((int)Math.Min(changes, 25), new() { Timeout = 20_000 });
        foreach (var text in await rows.AllInnerTextsAsync()) Assert.Contains(title, text, StringComparison.Ordinal);
        await BrowserFixture.ScreenshotAsync(page, "keyboard-audit-by-course");
        await page.Context.CloseAsync();
    }

    // Types into the focused autocomplete, moves down its list to the suggestion and picks it with Enter.
    private static async Task PickWithKeyboardAsync(IPage page, string typed, string suggestion)
    {
        await page.Keyboard.TypeAsync(typed, new() { Delay = 30 });
        await page.GetByRole(AriaRole.Option, new() { Name = suggestion }).First.WaitForAsync(new() { Timeout = 20_000 });
        await page.WaitForTimeoutAsync(300);
        for (var i = 0; i < 20 && !await IsHighlightedAsync(page, suggestion); i++) await DownAsync(page);
        await page.Keyboard.PressAsync("Enter");
    }

    // One step down a list; the highlight is shown after the circuit's render, which the next check waits for.
    private static async Task DownAsync(IPage page)
    {
        await page.Keyboard.PressAsync("ArrowDown");
        await page.WaitForTimeoutAsync(300);
    }

    // The option the keyboard is on: the focused combobox's aria-activedescendant (MudSelect), or the highlighted item of
    // an open suggestion list (MudAutocomplete).
    private static Task<bool> IsHighlightedAsync(IPage page, string option) =>
        page.EvaluateAsync<bool>("""
            name => {
                const active = document.activeElement?.getAttribute('aria-activedescendant');
                if (active) return document.getElementById(active)?.textContent.trim() === name;
                return [...document.querySelectorAll('.mud-popover-open [role=option]')].some(o => o.textContent.trim() === name
                    && (o.classList.contains('mud-selected-item') || o.closest('.mud-selected-item') !== null));
            }
            """, option);

    [GeneratedRegex(@"^sales-by-day_(\d{4}-\d{2}-\d{2})_to_(\d{4}-\d{2}-\d{2})_Asia-Kathmandu\.csv$")]
    private static partial Regex DownloadName();
}
