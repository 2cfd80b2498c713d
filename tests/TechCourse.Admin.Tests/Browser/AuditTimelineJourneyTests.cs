using Dapper;
using Microsoft.Playwright;
using Npgsql;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class AuditTimelineJourneyTests(BrowserFixture browser, RunningAppFixture app) : IClassFixture<RunningAppFixture>
{
    [Fact]
    public async Task An_admin_watching_the_timeline_sees_an_instructors_price_change_appear_without_reloading()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var title = $"Audit live {tag}";
        var reason = $"Launch discount {tag}";
        await using (var owner = new NpgsqlConnection(app.OwnerConnectionString))
            await owner.ExecuteAsync("INSERT INTO courses (instructor_id, title, price, is_published) SELECT user_id, @title, 50, true FROM users WHERE email = 'instructor@techcourse.com'",
                new { title });
        var admin = await browser.NewPageAsync(app.App.BaseAddress);
        await BrowserFixture.SignInAsync(admin, "admin@techcourse.com", "admin-demo-password", "/audit");
        await admin.GetByTestId("live-status").Filter(new() { HasText = "Live" }).WaitForAsync();

        var instructor = await browser.NewPageAsync(app.App.BaseAddress);
        await BrowserFixture.SignInAsync(instructor, "instructor@techcourse.com", "instructor-demo-password", $"/courses?q={tag}");
        await instructor.GetByRole(AriaRole.Button, new() { Name = $"Change price of {title}" }).ClickAsync();
        await instructor.GetByLabel("New price").FillAsync("42.50");
        await instructor.GetByLabel("Reason (optional)").FillAsync(reason);
        await instructor.GetByRole(AriaRole.Button, new() { Name = "Save price" }).ClickAsync();
        await instructor.GetByText($"{title}: price is now $42.50.").WaitForAsync();

        var entry = admin.Locator("tr.audit-entry").Filter(new() { HasText = reason });
        // Sealed and announced within a second or two on a quiet machine; the parallel test classes on CI's two cores
        // can hold a sealing round back for several seconds (seen once at 5 s).
        await entry.WaitForAsync(new() { Timeout = 15_000 });
        var text = await entry.InnerTextAsync();
        Assert.Contains("instructor@techcourse.com (Instructor)", text, StringComparison.Ordinal);
        Assert.Contains("$50.00 → $42.50", text, StringComparison.Ordinal);
        Assert.Contains("−$7.50 (-15 %)", text, StringComparison.Ordinal);
        Assert.Equal(0, await admin.EvaluateAsync<int>("performance.getEntriesByType('navigation').filter(n => n.type === 'reload').length"));
        await BrowserFixture.ScreenshotAsync(admin, "audit-timeline-live");

        await admin.GetByRole(AriaRole.Button, new() { Name = "Verify integrity" }).ClickAsync();
        await Assertions.Expect(admin.GetByTestId("verify-result")).ToContainTextAsync("Chain intact", new() { Timeout = 60_000 });
        await admin.Context.CloseAsync();
        await instructor.Context.CloseAsync();
    }

    [Fact]
    public async Task The_csv_export_streams_the_filtered_log_to_admins_and_refuses_accounting()
    {
        using var admin = await app.SignedInClientAsync("admin@techcourse.com", "admin-demo-password");
        using var accounting = await app.SignedInClientAsync("accounting@techcourse.com", "accounting-demo-password");

        var response = await admin.GetAsync(new Uri("/exports/audit.csv?direction=up", UriKind.Relative));
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var refused = await accounting.GetAsync(new Uri("/exports/audit.csv", UriKind.Relative));

        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("log_id,changed_at_utc,course_id,course,old_price,new_price", lines[0], StringComparison.Ordinal);
        Assert.True(lines.Length > 1, "the demo data has price increases");
        Assert.All(lines.Skip(1), line =>
        {
            var fields = CsvFields(line);
            Assert.True(decimal.Parse(fields[6], System.Globalization.CultureInfo.InvariantCulture) > 0, line);
        });
        Assert.NotEqual(System.Net.HttpStatusCode.OK, refused.StatusCode);
    }

    private static List<string> CsvFields(string line)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted && c == '"' && i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
            else if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted) { fields.Add(field.ToString()); field.Clear(); }
            else field.Append(c);
        }
        fields.Add(field.ToString());
        return fields;
    }
}
