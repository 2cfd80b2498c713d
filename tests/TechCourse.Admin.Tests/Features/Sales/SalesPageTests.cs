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

    private static Bunit.BunitContext Context(TestDatabase database, string zone)
    {
        var context = MudTestContext.Create();
        context.Services.AddSingleton(new SalesQueries(database.DataSource));
        context.Services.AddSingleton(Options.Create(new ReportingOptions { TimeZone = zone }));
        context.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", true));
        return context;
    }
}
