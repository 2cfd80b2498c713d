using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using TechCourse.Admin.Features.Audit;
using TechCourse.Admin.Features.Enrollments;
using TechCourse.Admin.Features.Home;
using TechCourse.Admin.Features.Sales;
using TechCourse.Admin.Infrastructure.Time;

namespace TechCourse.Admin.Tests.Features.Home;

public static class HomeTesting
{
    public static HomeQueries Queries(NpgsqlDataSource dataSource) =>
        new(dataSource, new SalesQueries(dataSource), new AuditQueries(dataSource), new EnrollmentsQueries(dataSource));

    // What the home pages need in a bUnit context: their queries on this data source and a HomeLive of their own.
    public static HomeLive AddHomeServices(this IServiceCollection services, NpgsqlDataSource dataSource)
    {
        var live = new HomeLive(NullLogger<HomeLive>.Instance);
        services.AddSingleton(Queries(dataSource));
        services.AddSingleton(live);
        services.AddScoped<ViewerTimeZone>();
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(new ReportingOptions()));
        return live;
    }

    // Enrollments and revenue of the calendar days from..to (both included) in the zone, recomputed from enrollments.
    public static async Task<SpanTotals> RecomputedAsync(NpgsqlDataSource owner, DateOnly from, DateOnly to, string zone, Guid? instructor = null)
    {
        await using var connection = await owner.OpenConnectionAsync();
        var row = await connection.QuerySingleAsync<(long Enrollments, decimal Revenue)>("""
            SELECT count(*), coalesce(sum(e.amount_paid), 0)
            FROM enrollments e JOIN courses c ON c.course_id = e.course_id
            WHERE (e.enrolled_at AT TIME ZONE @zone)::date BETWEEN @from AND @to AND (@instructor::uuid IS NULL OR c.instructor_id = @instructor)
            """, new { zone, from = from.ToDateTime(TimeOnly.MinValue), to = to.ToDateTime(TimeOnly.MinValue), instructor });
        return new SpanTotals(row.Enrollments, row.Revenue);
    }

    public static async Task AssertPeriodsAsync(NpgsqlDataSource owner, IReadOnlyList<PeriodFigures> periods, string zone, Guid? instructor = null)
    {
        foreach (var period in periods)
        {
            Assert.Equal(await RecomputedAsync(owner, period.From, period.To, zone, instructor), period.Current);
            foreach (var comparison in period.Comparisons)
                Assert.Equal(await RecomputedAsync(owner, comparison.From, comparison.To, zone, instructor), comparison.Totals);
        }
    }
}
