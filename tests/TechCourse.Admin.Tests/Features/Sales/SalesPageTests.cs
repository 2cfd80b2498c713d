using System.Globalization;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using TechCourse.Admin.Features.Sales;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Features.Sales;

public sealed class SalesPageTests
{
    [Fact]
    public async Task The_page_shows_a_loading_state_then_says_when_the_range_has_no_sales()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var context = Context(database, "Asia/Kathmandu");

        var page = context.Render<SalesPage>();

        Assert.Contains("Asia/Kathmandu", page.Find("[data-testid=zone-statement]").TextContent, StringComparison.Ordinal);
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=empty]")), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task The_page_shows_a_loading_indicator_until_the_database_answers_and_then_says_it_did_not()
    {
        await using var server = new SilentServer();
        await using var context = MudTestContext.Create();
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(server.ConnectionString());
        context.Services.AddSingleton(new SalesQueries(dataSource));
        context.Services.AddSingleton(Options.Create(new ReportingOptions()));
        context.AddBunitPersistentComponentState();
        context.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", true));

        var page = context.Render<SalesPage>();
        await Eventually.WaitForAsync(() => server.Connections > 0, TimeSpan.FromSeconds(10), "the page to ask the database");

        Assert.NotEmpty(page.FindAll("[aria-label='Loading sales']"));
        Assert.Empty(page.FindAll("[role=alert]"));

        server.Cut();

        page.WaitForAssertion(() => Assert.Contains("did not answer", page.Find("[role=alert]").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        Assert.Empty(page.FindAll("[aria-label='Loading sales']"));
    }

    [Fact]
    public async Task The_page_shows_each_day_of_the_range_with_totals_that_equal_the_sum_of_the_rows()
    {
        await using var database = await TestDatabase.CreateAsync();
        var course = await SalesData.CourseAsync(database.DataSource, null);
        var today = SalesTimeZones.Today("UTC");
        await SalesData.EnrollAsync(database.DataSource, course, 10.05m, new DateTimeOffset(today.ToDateTime(new TimeOnly(0, 30)), TimeSpan.Zero));
        await SalesData.EnrollAsync(database.DataSource, course, 0.10m, new DateTimeOffset(today.AddDays(-3).ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero));
        await SalesData.EnrollAsync(database.DataSource, course, 7m, new DateTimeOffset(today.AddDays(-40).ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero));
        await using var context = Context(database, "UTC");

        var page = context.Render<SalesPage>();

        page.WaitForAssertion(() => Assert.Equal("$10.15", page.Find("[data-testid=day-total-revenue]").TextContent), TimeSpan.FromSeconds(10));
        Assert.Equal("2", page.Find("[data-testid=day-total-enrollments]").TextContent);
        // The totals come with the page's answer; the table's rows render right after (its ServerData).
        page.WaitForAssertion(() => Assert.Equal(30, page.FindAll("[data-testid=days-table] tbody tr").Count), TimeSpan.FromSeconds(10));
        Assert.Contains("previous period $7.00", page.Find("[data-testid=day-totals]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_other_tabs_load_their_figures_only_when_opened()
    {
        await using var database = await TestDatabase.CreateAsync();
        var course = await SalesData.CourseAsync(database.DataSource, null, "Opened late");
        await SalesData.EnrollAsync(database.DataSource, course, 4.20m, DateTimeOffset.UtcNow);
        await using var context = Context(database, "UTC");
        var page = context.Render<SalesPage>();
        page.WaitForAssertion(() => Assert.Equal("$4.20", page.Find("[data-testid=day-total-revenue]").TextContent), TimeSpan.FromSeconds(10));
        Assert.Empty(page.FindAll("[data-testid=courses-in-range-table]"));

        await page.InvokeAsync(() => page.FindAll(".mud-tab")[2].Click());

        page.WaitForAssertion(() => Assert.Equal("$4.20", page.Find("[data-testid=courses-in-range-total-revenue]").TextContent), TimeSpan.FromSeconds(10));
        // The totals come with the page's answer; its rows render right after.
        page.WaitForAssertion(() => Assert.Contains("Opened late", page.Find("[data-testid=courses-in-range-table]").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task The_all_time_tab_asks_the_database_for_each_page_sort_and_search_and_totals_every_matched_course()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using (var connection = await database.DataSource.OpenConnectionAsync())
            await Dapper.SqlMapper.ExecuteAsync(connection, """
                INSERT INTO courses (title, price) SELECT 'Course ' || lpad(i::text, 2, '0'), 10 FROM generate_series(0, 59) i;
                INSERT INTO users (email) SELECT 'student-' || i || '@example.com' FROM generate_series(0, 59) i;
                INSERT INTO enrollments (student_id, course_id, amount_paid, enrolled_at)
                SELECT u.user_id, c.course_id, 10.01 + substr(c.title, 8)::int, now()
                FROM courses c JOIN users u ON u.email = 'student-' || substr(c.title, 8)::int || '@example.com';
                """);
        await using var context = Context(database, "UTC");
        var page = context.Render<SalesPage>();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=day-total-revenue]")), TimeSpan.FromSeconds(10));
        string[] Titles() => page.FindAll("[data-testid=by-course-table] tbody tr").Select(r => r.QuerySelector("td")!.TextContent.Trim()).ToArray();

        await page.InvokeAsync(() => page.FindAll(".mud-tab")[1].Click());

        page.WaitForAssertion(() => Assert.Equal(50, Titles().Length), TimeSpan.FromSeconds(10));
        Assert.Equal("Course 59", Titles()[0]);
        Assert.Equal("Total (60 courses)", page.Find("[data-testid=by-course-total-courses]").TextContent);
        Assert.Equal("$2,370.60", page.Find("[data-testid=by-course-total-revenue]").TextContent);
        Assert.Equal("60", page.Find("[data-testid=by-course-total-enrollments]").TextContent);

        await page.InvokeAsync(() => page.Find("[data-testid=by-course-table] button[aria-label='Next page']").Click());
        page.WaitForAssertion(() => Assert.Equal(["Course 09", "Course 08", "Course 07", "Course 06", "Course 05", "Course 04", "Course 03", "Course 02", "Course 01", "Course 00"], Titles()), TimeSpan.FromSeconds(10));

        // A new sort starts again at the first page.
        await page.InvokeAsync(() => page.FindAll("[data-testid=by-course-table] th .mud-table-sort-label").First(l => l.TextContent.Contains("Course", StringComparison.Ordinal)).Click());
        page.WaitForAssertion(() => Assert.Equal(Enumerable.Range(0, 50).Select(i => $"Course {i:00}"), Titles()), TimeSpan.FromSeconds(10));

        await page.InvokeAsync(() => page.Find("input[data-testid=by-course-search]").Input("course 5"));
        page.WaitForAssertion(() => Assert.Equal(Enumerable.Range(50, 10).Select(i => $"Course {i}"), Titles()), TimeSpan.FromSeconds(10));
        Assert.Equal("Total (10 courses)", page.Find("[data-testid=by-course-total-courses]").TextContent);
        Assert.Equal("$645.10", page.Find("[data-testid=by-course-total-revenue]").TextContent);

        await page.InvokeAsync(() => page.Find("input[data-testid=by-course-search]").Input("kubernetes"));
        page.WaitForAssertion(() => Assert.Contains("No course or instructor matches", page.Find("[data-testid=no-match]").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        Assert.Equal("$0.00", page.Find("[data-testid=by-course-total-revenue]").TextContent);
    }

    [Fact]
    public async Task The_interactive_render_shows_the_prerendered_days_without_asking_the_database_again()
    {
        await using var server = new SilentServer();
        await using var context = MudTestContext.Create();
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(server.ConnectionString());
        context.Services.AddSingleton(new SalesQueries(dataSource));
        context.Services.AddSingleton(Options.Create(new ReportingOptions()));
        var state = context.AddBunitPersistentComponentState();
        var today = SalesTimeZones.Today("UTC");
        var range = new SalesRange(today.AddDays(-29), today, "UTC");
        var days = Enumerable.Range(0, range.Days).Select(i => new DaySales(range.From.AddDays(i), 1, 2.50m, range.PreviousFrom.AddDays(i), 0, 0m)).ToList();
        state.Persist("sales-days", new PrerenderedDays(range, null, days));
        context.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", true));

        var page = context.Render<SalesPage>();

        Assert.Equal("$75.00", page.Find("[data-testid=day-total-revenue]").TextContent);
        Assert.Empty(page.FindAll("[role=alert]"));
        Assert.Equal(0, server.Connections);
    }

    [Fact]
    public async Task The_prerendered_page_hands_its_days_to_the_interactive_render()
    {
        await using var database = await TestDatabase.CreateAsync();
        var course = await SalesData.CourseAsync(database.DataSource, null);
        await SalesData.EnrollAsync(database.DataSource, course, 9.99m, DateTimeOffset.UtcNow);
        await using var context = Context(database, "UTC", out var state);
        var page = context.Render<SalesPage>();
        page.WaitForAssertion(() => Assert.Equal("$9.99", page.Find("[data-testid=day-total-revenue]").TextContent), TimeSpan.FromSeconds(10));

        state.TriggerOnPersisting();

        // bUnit starts the persisting on the renderer's dispatcher without waiting for it.
        PrerenderedDays? persisted = null;
        page.WaitForAssertion(() => Assert.True(state.TryTake("sales-days", out persisted)), TimeSpan.FromSeconds(5));
        Assert.Equal(9.99m, persisted!.Days.Sum(d => d.GrossRevenue));
        Assert.Equal(30, persisted.Days.Count);
    }

    private static Bunit.BunitContext Context(TestDatabase database, string zone) => Context(database, zone, out _);

    private static Bunit.BunitContext Context(TestDatabase database, string zone, out Bunit.TestDoubles.BunitPersistentComponentState state)
    {
        var context = MudTestContext.Create();
        context.Services.AddSingleton(new SalesQueries(database.DataSource));
        context.Services.AddSingleton(Options.Create(new ReportingOptions { TimeZone = zone }));
        state = context.AddBunitPersistentComponentState();
        context.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", true));
        return context;
    }
}
