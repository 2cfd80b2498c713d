using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Playwright;
using Npgsql;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Browser;

// axe-core (WCAG 2.0/2.1 A and AA) on every page for every role, light and dark, at 1440×900 and 390×844, and on every
// open state of a dialog, editor, list, panel, menu and the drawer. Each state also leaves a screenshot in the artifacts.
[Collection(BrowserCollection.Name)]
public sealed partial class AccessibilityTests(BrowserFixture browser, RunningAppFixture app) : IClassFixture<RunningAppFixture>
{
    [Fact]
    public async Task Every_page_for_every_role_in_light_and_dark_on_a_desktop_and_a_phone_has_no_critical_or_serious_violation()
    {
        var axe = new AxeCheck();
        foreach (var role in Screens.Roles(await StudentAsync()))
        foreach (var size in ScreenSize.Both)
        foreach (var theme in Enum.GetValues<Theme>())
        {
            var page = await Screens.SignedInAsync(browser, app.App.BaseAddress, role, size, theme);
            foreach (var path in role.Pages)
            {
                await Screens.OpenAsync(page, path, theme);
                var name = Screens.Name(role, path, size, theme);
                await Screens.ScreenshotAsync(page, name);
                await axe.CheckAsync(page, name);
            }
            await page.Context.CloseAsync();
        }
        axe.AssertNoSeriousViolations("pages");
    }

    [Fact]
    public async Task Every_open_dialog_editor_list_panel_menu_and_the_drawer_has_no_critical_or_serious_violation()
    {
        var axe = new AxeCheck();
        var admin = Role.For(StaffRoles.Admin, []);
        foreach (var size in ScreenSize.Both)
        foreach (var theme in Enum.GetValues<Theme>())
        {
            var page = await Screens.SignedInAsync(browser, app.App.BaseAddress, admin, size, theme);
            foreach (var (path, state, open) in OpenStates(size))
            {
                var name = Screens.Name(admin, path, size, theme, state);
                await Screens.OpenAsync(page, path, theme);
                if (!await axe.TryAsync(name, () => open(page))) continue;
                await Screens.SettledAsync(page);
                await Screens.ScreenshotAsync(page, name);
                await axe.CheckAsync(page, name);
            }
            await page.Context.CloseAsync();
        }
        axe.AssertNoSeriousViolations("open-states");
    }

    // The campaign pages on a phone, light and dark: the list on each of its tabs, and a new campaign for three of the
    // instructor's courses, with its form's errors and with its preview. Each state is checked once nothing moves any more.
    [Fact]
    public async Task The_campaign_pages_on_a_phone_in_light_and_dark_have_no_critical_or_serious_violation()
    {
        var axe = new AxeCheck();
        var instructor = Role.For(StaffRoles.Instructor, []);
        await using var owner = new NpgsqlConnection(app.OwnerConnectionString);
        var ids = (await owner.QueryAsync<int>("""
            SELECT c.course_id FROM courses c JOIN users u ON u.user_id = c.instructor_id WHERE u.email = @email ORDER BY c.course_id LIMIT 3
            """, new { email = instructor.Email })).ToArray();
        Assert.NotEmpty(ids);
        foreach (var theme in Enum.GetValues<Theme>())
        {
            var page = await Screens.SignedInAsync(browser, app.App.BaseAddress, instructor, ScreenSize.Phone, theme);
            var look = $"{theme.ToString().ToLowerInvariant()}-{ScreenSize.Phone.Name}";
            await Screens.OpenAsync(page, "/campaigns", theme);
            var tabs = page.GetByRole(AriaRole.Tab);
            for (var i = 0; i < await tabs.CountAsync(); i++)
            {
                await tabs.Nth(i).ClickAsync();
                await Assertions.Expect(tabs.Nth(i)).ToHaveAttributeAsync("aria-selected", "true", new() { Timeout = 30_000 });
                await CheckStillAsync(page, axe, $"campaigns-tab{i + 1}-instructor-{look}");
            }
            await Screens.OpenAsync(page, $"/campaigns/new?ids={string.Join(',', ids)}", theme);
            await page.GetByTestId("preview").WaitForAsync();
            await CheckStillAsync(page, axe, $"campaign-new-instructor-{look}");
            await page.GetByLabel("Percent (−30 = 30 % off)").FillAsync("-10");
            await page.GetByTestId("preview").ClickAsync();
            await page.Locator("#campaign-reason-error").WaitForAsync();
            await CheckStillAsync(page, axe, $"campaign-new-errors-instructor-{look}");
            await page.GetByLabel("Reason (goes with every price change)").FillAsync("Accessibility check");
            await page.GetByTestId("preview").ClickAsync();
            await Assertions.Expect(page.Locator("[data-testid=preview-table] tbody tr")).ToHaveCountAsync(ids.Length, new() { Timeout = 30_000 });
            await CheckStillAsync(page, axe, $"campaign-new-preview-instructor-{look}");
            await page.Context.CloseAsync();
        }
        axe.AssertNoSeriousViolations("campaign-pages-phone");
    }

    private static async Task CheckStillAsync(IPage page, AxeCheck axe, string name)
    {
        await Screens.SettledAsync(page);
        await Screens.StillAsync(page, ScreenSize.Phone);
        await Screens.ScreenshotAsync(page, name);
        await axe.CheckAsync(page, name);
    }

    private static IEnumerable<(string Path, string State, Func<IPage, Task> Open)> OpenStates(ScreenSize size)
    {
        yield return ("/courses", "course-dialog", async page =>
        {
            await page.GetByRole(AriaRole.Button, new() { NameRegex = EditCourse() }).First.ClickAsync();
            await page.GetByRole(AriaRole.Dialog).GetByLabel("Title").First.WaitForAsync();
        });
        yield return ("/courses", "price-editor", async page =>
        {
            await page.GetByRole(AriaRole.Button, new() { NameRegex = ChangePrice() }).First.ClickAsync();
            await page.GetByLabel("New price").WaitForAsync();
        });
        yield return ("/courses", "price-history", async page =>
        {
            await page.GetByRole(AriaRole.Button, new() { NameRegex = PriceHistory() }).First.ClickAsync();
            await page.Locator("tr.history-row").First.WaitForAsync();
        });
        yield return ("/enrollments", "form-errors", async page =>
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Save enrollment" }).ClickAsync();
            await page.GetByText("Pick a student.").First.WaitForAsync();
        });
        yield return ("/enrollments", "student-suggestions", async page =>
        {
            await page.GetByLabel("Student", new() { Exact = true }).PressSequentiallyAsync("a", new() { Delay = 50 });
            await page.GetByRole(AriaRole.Option).First.WaitForAsync();
        });
        yield return ("/audit", "price-at-point", async page =>
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Price at a point in time" }).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Show price" }).WaitForAsync();
        });
        yield return ("/audit", "effect", async page =>
        {
            await page.GetByRole(AriaRole.Button, new() { NameRegex = EffectOnEnrollments() }).First.ClickAsync();
            await page.GetByTestId("audit-effect").WaitForAsync();
        });
        yield return ("/audit", "course-suggestions", async page =>
        {
            await page.GetByTestId("filter-course").ClickAsync();
            await page.GetByRole(AriaRole.Option).First.WaitForAsync();
        });
        yield return ("/", "user-menu", async page =>
        {
            await page.GetByRole(AriaRole.Button, new() { NameRegex = AccountMenu() }).ClickAsync();
            await page.GetByRole(AriaRole.Menuitem, new() { Name = "Sign out", Exact = true }).WaitForAsync();
        });
        if (size == ScreenSize.Phone)
        {
            yield return ("/", "drawer", async page =>
            {
                await Screens.SettledLayoutAsync(page);
                await page.GetByRole(AriaRole.Button, new() { Name = "Toggle navigation" }).EvaluateAsync("b => b.click()");
                await Assertions.Expect(page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" }).GetByRole(AriaRole.Link, new() { Name = "Courses" }))
                    .ToBeInViewportAsync();
            });
        }
    }

    private async Task<Guid> StudentAsync()
    {
        await using var owner = new NpgsqlConnection(app.OwnerConnectionString);
        return await owner.ExecuteScalarAsync<Guid>("SELECT student_id FROM enrollments ORDER BY enrollment_id LIMIT 1");
    }

    [GeneratedRegex("^Edit ")]
    private static partial Regex EditCourse();

    [GeneratedRegex("change price of ", RegexOptions.IgnoreCase)]
    private static partial Regex ChangePrice();

    [GeneratedRegex("^Price history of ")]
    private static partial Regex PriceHistory();

    [GeneratedRegex("^Account: ")]
    private static partial Regex AccountMenu();

    [GeneratedRegex("Effect on enrollments")]
    private static partial Regex EffectOnEnrollments();
}
