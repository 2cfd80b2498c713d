using Dapper;
using Microsoft.Playwright;
using Npgsql;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class CampaignJourneyTests(BrowserFixture browser, RunningAppFixture app) : IClassFixture<RunningAppFixture>
{
    private const string Instructor = "instructor@techcourse.com";
    // A journey of several live steps on a shared two-core machine: each wait, actions' and assertions' alike, gets 30 s.
    private const float Wait = 30_000;
    private static readonly (string Name, decimal Price, string Sale)[] Courses = [("A", 50m, "$35.00"), ("B", 20m, "$14.00"), ("C", 99.99m, "$69.99")];

    [Fact]
    public async Task An_instructor_schedules_a_sale_on_three_courses_sees_it_start_and_end_without_reloading_and_finds_its_entries_in_the_audit_timeline()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var reason = $"Weekend sale {tag}";
        await using var owner = new NpgsqlConnection(app.OwnerConnectionString);
        var ids = new List<int>();
        foreach (var (name, price, _) in Courses)
            ids.Add(await owner.ExecuteScalarAsync<int>("""
                INSERT INTO courses (instructor_id, title, price, is_published) SELECT user_id, @title, @price, true FROM users WHERE email = @email RETURNING course_id
                """, new { title = Title(tag, name), price, email = Instructor }));
        // Another instructor's course matching the same search: never offered to this instructor.
        var other = Title(tag, "someone else's");
        await owner.ExecuteAsync("""
            INSERT INTO courses (instructor_id, title, price, is_published)
            SELECT user_id, @other, 30, true FROM users WHERE role = 'Instructor' AND email <> @email ORDER BY email LIMIT 1
            """, new { other, email = Instructor });
        var axe = new AxeCheck();
        var page = await Screens.SignedInAsync(browser, app.App.BaseAddress, Role.For(StaffRoles.Instructor, []), ScreenSize.Desktop, Theme.Light);
        page.Context.SetDefaultTimeout(Wait);

        // Select the three courses in the grid.
        await Screens.OpenAsync(page, $"/courses?q={tag}", Theme.Light);
        await page.GetByRole(AriaRole.Button, new() { Name = $"change price of {Title(tag, "A")}" }).WaitForAsync();
        Assert.Equal(0, await page.GetByText(other).CountAsync());
        await page.GetByTestId("select-courses").ClickAsync();
        foreach (var (name, _, _) in Courses) await page.GetByLabel($"Select {Title(tag, name)}").CheckAsync();
        await Assertions.Expect(page.GetByTestId("selection-count")).ToHaveTextAsync("3 courses selected.", new() { Timeout = Wait });
        await axe.CheckAsync(page, "courses, selecting");
        await page.GetByTestId("change-selected-prices").ClickAsync();

        // 30 % off from tomorrow, back three days later; preview, then schedule.
        // Client-side navigation (pushState) can land before a WaitForURL subscribes and is then never heard; the
        // assertion polls the address instead.
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"/campaigns/new\?ids="), new() { Timeout = Wait });
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        await page.GetByLabel("Percent (−30 = 30 % off)").FillAsync("-30");
        await page.GetByLabel("Reason (goes with every price change)").FillAsync(reason);
        await page.GetByRole(AriaRole.Radio, new() { Name = "At a later time" }).ClickAsync();
        await page.GetByLabel("Return each course to its price from before the start at a set time").CheckAsync();
        await page.GetByTestId("preview").ClickAsync();
        var previewRows = page.Locator("[data-testid=preview-table] tbody tr");
        await Assertions.Expect(previewRows).ToHaveCountAsync(3, new() { Timeout = Wait });
        foreach (var (name, price, sale) in Courses)
        {
            var row = await previewRows.Filter(new() { HasText = Title(tag, name) }).InnerTextAsync();
            Assert.Contains($"${price:0.00}", row, StringComparison.Ordinal);
            Assert.Contains(sale, row, StringComparison.Ordinal);
        }
        await Assertions.Expect(page.GetByTestId("apply")).ToHaveTextAsync("Schedule for 3 courses", new() { Timeout = Wait });
        await EveryLookAsync(page, axe, "campaign-new-preview");
        await page.GetByTestId("apply").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"/campaigns/\d+$"), new() { Timeout = Wait });
        var campaign = int.Parse(page.Url[(page.Url.LastIndexOf('/') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        // The page is checked once the confirmation has gone.
        var scheduled = page.GetByText("The campaign is scheduled.");
        await scheduled.WaitForAsync();
        await scheduled.WaitForAsync(new() { State = WaitForSelectorState.Detached });
        await Assertions.Expect(page.GetByTestId("campaign-state")).ToHaveTextAsync("Upcoming", new() { Timeout = Wait });
        await EveryLookAsync(page, axe, "campaign-upcoming");

        // The grid in a second tab, open while the campaign starts and ends.
        var grid = await page.Context.NewPageAsync();
        await Screens.OpenAsync(grid, $"/courses?q={tag}", Theme.Light);
        await grid.GetByRole(AriaRole.Button, new() { Name = $"change price of {Title(tag, "A")}" }).WaitForAsync();

        // Rather than wait for tomorrow, the campaign moves: it starts in 2 s and ends 10 s later.
        await owner.ExecuteAsync("""
            WITH shift AS (SELECT starts_at - (clock_timestamp() + interval '2 seconds') AS by, ends_at - starts_at AS length FROM price_campaigns WHERE campaign_id = @campaign)
            UPDATE price_campaigns c SET starts_at = c.starts_at - s.by, ends_at = c.starts_at - s.by + least(s.length, interval '10 seconds'),
                   next_due_at = c.starts_at - s.by
            FROM shift s WHERE c.campaign_id = @campaign;
            UPDATE price_campaign_courses i SET period = price_campaign_period(c.starts_at, c.ends_at)
            FROM price_campaigns c WHERE c.campaign_id = i.campaign_id AND i.campaign_id = @campaign;
            """, new { campaign });

        await Assertions.Expect(page.GetByTestId("campaign-state")).ToHaveTextAsync("Active", new() { Timeout = Wait });
        foreach (var (name, _, sale) in Courses)
            await Assertions.Expect(grid.GetByRole(AriaRole.Button, new() { Name = $"change price of {Title(tag, name)}" })).ToHaveTextAsync(sale, new() { Timeout = Wait });
        await BrowserFixture.ScreenshotAsync(page, "campaign-active");
        await BrowserFixture.ScreenshotAsync(grid, "campaign-active-courses-grid");

        await Assertions.Expect(page.GetByTestId("campaign-state")).ToHaveTextAsync("Finished", new() { Timeout = Wait });
        foreach (var (name, price, _) in Courses)
            await Assertions.Expect(grid.GetByRole(AriaRole.Button, new() { Name = $"change price of {Title(tag, name)}" })).ToHaveTextAsync($"${price:0.00}", new() { Timeout = Wait });
        await Assertions.Expect(page.Locator("[data-testid=campaign-courses] tbody tr").Filter(new() { HasText = "Reverted" })).ToHaveCountAsync(3, new() { Timeout = Wait });
        foreach (var tab in new[] { page, grid })
            Assert.Equal(0, await tab.EvaluateAsync<int>("performance.getEntriesByType('navigation').filter(n => n.type === 'reload').length"));
        await EveryLookAsync(page, axe, "campaign-finished");

        // Each course's two entries carry the reason and link to the campaign.
        await Screens.OpenAsync(page, $"/audit?course={ids[0]}", Theme.Light);
        var entries = page.Locator("tr.audit-entry").Filter(new() { HasText = reason });
        await Assertions.Expect(entries).ToHaveCountAsync(2, new() { Timeout = Wait });
        await Assertions.Expect(entries.First.GetByTestId("audit-campaign")).ToHaveTextAsync($"campaign #{campaign}", new() { Timeout = Wait });
        await BrowserFixture.ScreenshotAsync(page, "campaign-audit-entries");
        await Screens.OpenAsync(page, "/campaigns", Theme.Light);
        await page.GetByRole(AriaRole.Tab, new() { Name = "Finished" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = $"#{campaign} {reason}" }).WaitForAsync();
        await EveryLookAsync(page, axe, "campaigns-finished");

        var changes = (await owner.QueryAsync<(int Course, string Source, string Reason, int? Campaign)>(
            "SELECT course_id, source, reason, campaign_id FROM price_changes WHERE course_id = ANY (@ids) ORDER BY log_id", new { ids = ids.ToArray() })).ToList();
        Assert.Equal(6, changes.Count);
        Assert.All(changes, c => Assert.Equal(("schedule", reason, (int?)campaign), (c.Source, c.Reason, c.Campaign)));
        await page.Context.CloseAsync();
        axe.AssertNoSeriousViolations("campaign-journey");
    }

    private static string Title(string tag, string name) => $"Campaign journey {tag} {name}";

    // The state as it stands at 1440 and 390 px, light and dark: checked by axe and saved as screens/{name}-….png.
    private static async Task EveryLookAsync(IPage page, AxeCheck axe, string name)
    {
        foreach (var size in ScreenSize.Both)
            foreach (var theme in new[] { Theme.Light, Theme.Dark })
            {
                await page.SetViewportSizeAsync(size.Width, size.Height);
                await Screens.EnsureThemeAsync(page, theme);
                await Screens.SettledAsync(page);
                await Screens.StillAsync(page, size);
                var look = $"{name}-instructor-{theme.ToString().ToLowerInvariant()}-{size.Name}";
                await axe.CheckAsync(page, look);
                await Screens.ScreenshotAsync(page, look);
            }
        await page.SetViewportSizeAsync(ScreenSize.Desktop.Width, ScreenSize.Desktop.Height);
        await Screens.EnsureThemeAsync(page, Theme.Light);
    }
}
