using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Playwright;
using Npgsql;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class CoursePriceJourneyTests(BrowserFixture browser, RunningAppFixture app) : IClassFixture<RunningAppFixture>
{
    private const string Instructor = "instructor@techcourse.com";
    private const string Password = "instructor-demo-password";

    [Fact]
    public async Task An_instructor_finds_a_course_changes_its_price_inline_sees_the_history_and_a_stale_browser_gets_the_conflict()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var title = $"Playwright pricing {tag}";
        await using var owner = new NpgsqlConnection(app.OwnerConnectionString);
        var course = await owner.ExecuteScalarAsync<int>("""
            INSERT INTO courses (instructor_id, title, price, is_published) SELECT user_id, @title, 50, true FROM users WHERE email = @email RETURNING course_id
            """, new { title, email = Instructor });

        var first = await browser.NewPageAsync(app.App.BaseAddress);
        await BrowserFixture.SignInAsync(first, Instructor, Password, "/courses");
        await first.GetByLabel("Search titles").FillAsync(tag);
        await first.GetByRole(AriaRole.Button, new() { Name = $"Change price of {title}" }).WaitForAsync();
        Assert.Contains("only your own courses", await first.GetByTestId("own-courses-note").InnerTextAsync(), StringComparison.Ordinal);
        await Assertions.Expect(first).ToHaveURLAsync(new Regex($"/courses\\?q={Regex.Escape(tag)}$"), new() { Timeout = 30_000 });

        var second = await browser.NewPageAsync(app.App.BaseAddress);
        await BrowserFixture.SignInAsync(second, Instructor, Password, $"/courses?q={tag}");
        await second.GetByRole(AriaRole.Button, new() { Name = $"Change price of {title}" }).ClickAsync();

        await first.GetByRole(AriaRole.Button, new() { Name = $"Change price of {title}" }).ClickAsync();
        await first.GetByLabel("New price").FillAsync("42.50");
        await first.GetByLabel("Reason (optional)").FillAsync("Spring promotion");
        await first.GetByRole(AriaRole.Button, new() { Name = "Save price" }).ClickAsync();
        await first.GetByText($"{title}: price is now $42.50.").WaitForAsync();
        Assert.Equal("$42.50", (await first.GetByRole(AriaRole.Button, new() { Name = $"Change price of {title}" }).InnerTextAsync()).Trim());
        await first.GetByRole(AriaRole.Button, new() { Name = $"Price history of {title}" }).ClickAsync();
        var entry = first.Locator("tr.history-row").First;
        await entry.WaitForAsync();
        var text = await entry.InnerTextAsync();
        Assert.Contains("$50.00 → $42.50", text, StringComparison.Ordinal);
        Assert.Contains(Instructor, text, StringComparison.Ordinal);
        Assert.Contains("-15.0 %", text, StringComparison.Ordinal);
        Assert.Contains("Spring promotion", text, StringComparison.Ordinal);
        await BrowserFixture.ScreenshotAsync(first, "courses-price-history");

        await second.GetByLabel("New price").FillAsync("60");
        await second.GetByRole(AriaRole.Button, new() { Name = "Save price" }).ClickAsync();
        var conflict = await second.GetByTestId("conflict-message").InnerTextAsync();
        Assert.Contains($"changed by {Instructor} at", conflict, StringComparison.Ordinal);
        Assert.Contains("from $50.00 to $42.50", conflict, StringComparison.Ordinal);
        await BrowserFixture.ScreenshotAsync(second, "courses-price-conflict");
        await second.GetByRole(AriaRole.Button, new() { Name = "Keep theirs" }).ClickAsync();
        await second.GetByRole(AriaRole.Button, new() { Name = $"Change price of {title}" }).WaitForAsync();

        Assert.Equal(42.50m, await owner.ExecuteScalarAsync<decimal>("SELECT price FROM courses WHERE course_id = @course", new { course }));
        Assert.Equal(1L, await owner.ExecuteScalarAsync<long>("SELECT count(*) FROM price_changes WHERE course_id = @course", new { course }));
        await first.Context.CloseAsync();
        await second.Context.CloseAsync();
    }
}
