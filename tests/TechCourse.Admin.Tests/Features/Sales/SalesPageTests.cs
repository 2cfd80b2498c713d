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
    public async Task The_page_shows_a_loading_indicator_before_the_figures_arrive()
    {
        await using var context = MudTestContext.Create();
        var unreachable = new Npgsql.NpgsqlConnectionStringBuilder { Host = "10.255.255.1", Username = "nobody", Timeout = 3 };
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(unreachable.ConnectionString);
        context.Services.AddSingleton(new SalesQueries(dataSource));
        context.Services.AddSingleton(Options.Create(new ReportingOptions()));
        context.AddBunitPersistentComponentState();
        context.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", true));

        var page = context.Render<SalesPage>();

        Assert.NotEmpty(page.FindAll("[aria-label='Loading sales']"));
        page.WaitForAssertion(() => Assert.Contains("did not answer", page.Find("[role=alert]").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(15));
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

        page.WaitForAssertion(() => Assert.Equal("10.15", page.Find("[data-testid=day-total-revenue]").TextContent), TimeSpan.FromSeconds(10));
        Assert.Equal("2", page.Find("[data-testid=day-total-enrollments]").TextContent);
        Assert.Equal(30, page.FindAll("[data-testid=days-table] tbody tr").Count);
        Assert.Contains("previous period 7.00", page.Find("[data-testid=day-totals]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_other_tabs_load_their_figures_only_when_opened()
    {
        await using var database = await TestDatabase.CreateAsync();
        var course = await SalesData.CourseAsync(database.DataSource, null, "Opened late");
        await SalesData.EnrollAsync(database.DataSource, course, 4.20m, DateTimeOffset.UtcNow);
        await using var context = Context(database, "UTC");
        var page = context.Render<SalesPage>();
        page.WaitForAssertion(() => Assert.Equal("4.20", page.Find("[data-testid=day-total-revenue]").TextContent), TimeSpan.FromSeconds(10));
        Assert.Empty(page.FindAll("[data-testid=courses-in-range-table]"));

        await page.InvokeAsync(() => page.FindAll(".mud-tab")[2].Click());

        page.WaitForAssertion(() => Assert.Equal("4.20", page.Find("[data-testid=courses-in-range-total-revenue]").TextContent), TimeSpan.FromSeconds(10));
        Assert.Contains("Opened late", page.Find("[data-testid=courses-in-range-table]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_interactive_render_shows_the_prerendered_days_without_asking_the_database_again()
    {
        await using var context = MudTestContext.Create();
        var unreachable = new Npgsql.NpgsqlConnectionStringBuilder { Host = "10.255.255.1", Username = "nobody", Timeout = 3 };
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(unreachable.ConnectionString);
        context.Services.AddSingleton(new SalesQueries(dataSource));
        context.Services.AddSingleton(Options.Create(new ReportingOptions()));
        var state = context.AddBunitPersistentComponentState();
        var today = SalesTimeZones.Today("UTC");
        var range = new SalesRange(today.AddDays(-29), today, "UTC");
        var days = Enumerable.Range(0, range.Days).Select(i => new DaySales(range.From.AddDays(i), 1, 2.50m, range.PreviousFrom.AddDays(i), 0, 0m)).ToList();
        state.Persist("sales-days", new PrerenderedDays(range, null, days));
        context.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", true));

        var page = context.Render<SalesPage>();

        Assert.Equal("75.00", page.Find("[data-testid=day-total-revenue]").TextContent);
        Assert.Empty(page.FindAll("[role=alert]"));
    }

    [Fact]
    public async Task The_prerendered_page_hands_its_days_to_the_interactive_render()
    {
        await using var database = await TestDatabase.CreateAsync();
        var course = await SalesData.CourseAsync(database.DataSource, null);
        await SalesData.EnrollAsync(database.DataSource, course, 9.99m, DateTimeOffset.UtcNow);
        await using var context = Context(database, "UTC", out var state);
        var page = context.Render<SalesPage>();
        page.WaitForAssertion(() => Assert.Equal("9.99", page.Find("[data-testid=day-total-revenue]").TextContent), TimeSpan.FromSeconds(10));

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
