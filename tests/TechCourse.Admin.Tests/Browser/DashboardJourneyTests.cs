using System.Globalization;
using Dapper;
using Microsoft.Playwright;
using Npgsql;
using Microsoft.Extensions.DependencyInjection;
using TechCourse.Admin.Infrastructure.Database;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class DashboardJourneyTests(BrowserFixture browser) : IDisposable
{
    private static readonly CultureInfo Us = CultureInfo.GetCultureInfo("en-US");
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), $"tc-app-{Guid.NewGuid():N}"[..18]);

    [Fact]
    public async Task A_new_user_starts_the_app_on_the_embedded_default_sees_the_database_figures_and_finds_them_again_after_a_restart()
    {
        var settings = new Dictionary<string, string> { ["EmbeddedPostgres:DataDirectory"] = dataDirectory };
        var app = await TestApp.StartAsync(settings);
        var owner = app.Services.GetRequiredService<DatabaseConnections>().Migrations;
        string[] firstFigures;
        await using (app)
        {
            Assert.Contains("Demo data loaded", app.Output, StringComparison.Ordinal);
            var page = await browser.NewPageAsync(app.BaseAddress);
            await BrowserFixture.SignInAsync(page, "admin@techcourse.com", "admin-demo-password");

            firstFigures = await ShownFiguresAsync(page);
            Assert.Equal(await DatabaseFiguresAsync(owner), firstFigures);

            await page.GetByRole(AriaRole.Button, new() { Name = "Switch to dark mode" }).ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Switch to light mode" }).WaitForAsync();
            await BrowserFixture.ScreenshotAsync(page, "dashboard-dark");

            using var http = new HttpClient { BaseAddress = app.BaseAddress };
            var health = await http.GetAsync(new Uri("/health", UriKind.Relative));
            Assert.True(health.IsSuccessStatusCode);
            Assert.StartsWith("Healthy", await health.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            await page.Context.CloseAsync();
        }

        Assert.False(File.Exists(Path.Combine(dataDirectory, "pgdata", "postmaster.pid")), "stopping the app stops its cluster:" + Environment.NewLine + app.Output);

        await using var restarted = await TestApp.StartAsync(settings);
        Assert.DoesNotContain("Demo data loaded", restarted.Output, StringComparison.Ordinal);
        var again = await browser.NewPageAsync(restarted.BaseAddress);
        await BrowserFixture.SignInAsync(again, "admin@techcourse.com", "admin-demo-password");
        Assert.Equal(firstFigures, await ShownFiguresAsync(again));
        await BrowserFixture.ScreenshotAsync(again, "dashboard-after-restart");
        await again.Context.CloseAsync();
    }

    private static async Task<string[]> ShownFiguresAsync(IPage page)
    {
        string[] ids = ["students", "instructors", "courses", "enrollments", "gross-revenue"];
        var values = new List<string>();
        foreach (var id in ids) values.Add(await page.Locator($"[data-testid={id}-value]").InnerTextAsync());
        return values.ToArray();
    }

    private static async Task<string[]> DatabaseFiguresAsync(string owner)
    {
        await using var connection = new NpgsqlConnection(owner);
        var row = await connection.QuerySingleAsync<(long Students, long Instructors, long Courses, long Enrollments, decimal Revenue)>("""
            SELECT (SELECT count(*) FROM users WHERE role = 'Student'), (SELECT count(*) FROM users WHERE role = 'Instructor'),
                   (SELECT count(*) FROM courses), (SELECT count(*) FROM enrollments), (SELECT sum(amount_paid) FROM enrollments)
            """);
        return [row.Students.ToString("N0", Us), row.Instructors.ToString("N0", Us), row.Courses.ToString("N0", Us), row.Enrollments.ToString("N0", Us), row.Revenue.ToString("C2", Us)];
    }

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        if (Directory.Exists(dataDirectory)) Directory.Delete(dataDirectory, recursive: true);
    }
}
