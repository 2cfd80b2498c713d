using Bunit;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using TechCourse.Admin.Features.Analytics;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Features.Analytics;

public sealed class AnalyticsPageTests
{
    [Fact]
    public async Task The_page_counts_every_tie_shows_the_first_fifty_and_the_rest_on_request()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using (var connection = await database.DataSource.OpenConnectionAsync())
            await connection.ExecuteAsync("""
                INSERT INTO courses (title, price, quiz_metadata)
                SELECT 'Tied ' || lpad(i::text, 2, '0'), 10, '{"difficulty": "Hard", "passing_score": 97}' FROM generate_series(1, 52) i;
                INSERT INTO courses (title, price, quiz_metadata) VALUES ('Easier', 10, '{"difficulty": "Easy", "passing_score": 96.5}');
                """);
        await using var context = MudTestContext.Create();
        context.Services.AddSingleton(new AnalyticsQueries(database.DataSource));
        context.AddBunitPersistentComponentState();
        context.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", true));

        var page = context.Render<AnalyticsPage>();
        page.WaitForAssertion(() => Assert.Contains("a tie between 52 courses", page.Find("[data-testid=hardest-summary]").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        page.WaitForAssertion(() => Assert.Equal(50, page.FindAll("[data-testid=hardest] tbody tr").Count), TimeSpan.FromSeconds(10));

        await page.InvokeAsync(() => page.FindAll("button").Single(b => b.TextContent.Contains("Show all 52 tied courses", StringComparison.Ordinal)).Click());

        page.WaitForAssertion(() => Assert.Equal(52, page.FindAll("[data-testid=hardest] tbody tr").Count), TimeSpan.FromSeconds(10));
        Assert.DoesNotContain("Easier", page.Find("[data-testid=hardest]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revenue_by_difficulty_shows_one_bar_per_difficulty_sized_against_the_largest_with_its_amount()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using (var connection = await database.DataSource.OpenConnectionAsync())
            await connection.ExecuteAsync("""
                INSERT INTO users (email, role) VALUES ('bars-student@example.com', 'Student');
                INSERT INTO courses (title, price, quiz_metadata) VALUES
                    ('Hard one', 10, '{"difficulty": "Hard", "passing_score": 90}'),
                    ('Easy one', 10, '{"difficulty": "Easy", "passing_score": 50}');
                INSERT INTO enrollments (student_id, course_id, amount_paid)
                SELECT u.user_id, c.course_id, CASE c.title WHEN 'Hard one' THEN 200.00 ELSE 50.50 END
                FROM users u CROSS JOIN courses c WHERE u.email = 'bars-student@example.com';
                """);
        await using var context = MudTestContext.Create();
        context.Services.AddSingleton(new AnalyticsQueries(database.DataSource));
        context.AddBunitPersistentComponentState();
        context.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", true));

        var page = context.Render<AnalyticsPage>();
        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=revenue-bars] li").Count), TimeSpan.FromSeconds(10));

        var bars = page.FindAll("[data-testid=revenue-bars] li")
            .Select(li => (Label: li.QuerySelector(".revenue-bar-label")!.TextContent, Width: li.QuerySelector(".revenue-bar-fill")!.GetAttribute("style"),
                Amount: li.QuerySelector(".revenue-bar-value")!.TextContent))
            .ToList();
        Assert.Equal([("Hard", "width: 100%", "$200.00"), ("Easy", "width: 25.25%", "$50.50")], bars);
    }
}
