using System.Globalization;
using System.Text;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Infrastructure.Configuration;
using TechCourse.Admin.Infrastructure.Database;

namespace TechCourse.Admin.Features.Sales;

public static class SalesFeature
{
    public const string ExportPath = "/exports/sales";

    public static IServiceCollection AddSalesFeature(this IServiceCollection services)
    {
        services.AddSettings<ReportingOptions>();
        services.AddSingleton(provider => new SalesQueries(provider.GetRequiredService<ReportsDataSource>().DataSource));
        services.AddHostedService<SalesFolder>();
        return services;
    }

    public static string ExportUrl(string report, SalesRange range, string? search = null, string? sort = null, bool descending = true) =>
        $"{ExportPath}/{report}?from={range.From:yyyy-MM-dd}&to={range.To:yyyy-MM-dd}&zone={Uri.EscapeDataString(range.TimeZone)}" +
        $"&search={Uri.EscapeDataString(search ?? "")}&sort={sort ?? "revenue"}&desc={(descending ? "true" : "false")}";

    public static void MapSalesExports(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(ExportPath + "/{report}", async (string report, string? from, string? to, string? zone, string? search, string? sort, bool? desc,
            HttpContext http, SalesQueries queries, CancellationToken ct) =>
        {
            if (Actor.From(http.User) is not { } actor) return Results.Forbid();
            if (!DateOnly.TryParseExact(from, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start)
                || !DateOnly.TryParseExact(to, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var end))
                return Results.BadRequest("from and to must be dates like 2026-11-24.");
            var range = new SalesRange(start, end, zone ?? "UTC");
            if (range.Problem() is { } problem) return Results.BadRequest(problem);
            var scope = SalesScope.For(actor);
            var (name, csv) = report switch
            {
                "by-course" => (SalesCsv.FileName("by-course", null, range.TimeZone),
                    SalesCsv.Courses(SalesView.Apply(await queries.ByCourseAsync(scope, ct), search, sort, desc ?? true), null, range.TimeZone)),
                "by-day" => (SalesCsv.FileName("by-day", range, range.TimeZone), SalesCsv.Days(await queries.ByDayAsync(range, scope, ct), range)),
                "courses-in-range" => (SalesCsv.FileName("courses-in-range", range, range.TimeZone),
                    SalesCsv.Courses(SalesView.Apply(await queries.CoursesInRangeAsync(range, scope, ct), search, sort, desc ?? true), range, range.TimeZone)),
                "by-instructor" => (SalesCsv.FileName("by-instructor", range, range.TimeZone), SalesCsv.Instructors(await queries.InstructorsInRangeAsync(range, scope, ct), range)),
                _ => ((string?)null, ""),
            };
            return name is null ? Results.NotFound() : Results.File(Encoding.UTF8.GetBytes(csv), "text/csv; charset=utf-8", name);
        }).RequireAuthorization(policy => policy.RequireRole(StaffRoles.Admin, StaffRoles.Accounting, StaffRoles.Instructor));
    }
}
