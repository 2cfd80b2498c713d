using System.Text;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Infrastructure.Configuration;
using TechCourse.Admin.Infrastructure.Database;
using TechCourse.Admin.Infrastructure.Exports;
using TechCourse.Admin.Infrastructure.Http;

namespace TechCourse.Admin.Features.Sales;

public static class SalesFeature
{
    public const string ExportPath = "/exports/sales";

    public static IServiceCollection AddSalesFeature(this IServiceCollection services)
    {
        services.AddSettings<ReportingOptions>();
        services.AddSingleton(provider => new SalesQueries(provider.GetRequiredService<ReportsDataSource>().DataSource));
        services.AddSingleton<SalesFoldProgress>();
        services.AddHostedService<SalesFolder>();
        return services;
    }

    public static string ExportUrl(string report, SalesRange range, string? search = null, string? sort = null, bool descending = true) =>
        $"{ExportPath}/{report}?from={range.From:yyyy-MM-dd}&to={range.To:yyyy-MM-dd}&zone={Uri.EscapeDataString(range.TimeZone)}" +
        $"&search={Uri.EscapeDataString(search ?? "")}&sort={sort ?? "revenue"}&desc={(descending ? "true" : "false")}";

    public static readonly IReadOnlyList<string> Reports = ["by-day", "by-course", "courses-in-range", "by-instructor"];

    // The range and the grid's view of the query string, or a problem (a day outside the reports' years, a range too
    // long, an unknown zone or sort): refused before anything is read or written.
    public static (SalesExportRequest? Request, string? Problem) ParseExport(IQueryCollection query)
    {
        var reader = new QueryStringReader(query);
        var (from, to) = (reader.Day("from", SalesRange.FirstDay, SalesRange.LastDay), reader.Day("to", SalesRange.FirstDay, SalesRange.LastDay));
        if (string.IsNullOrEmpty(query["from"]) || string.IsNullOrEmpty(query["to"])) reader.Refuse("from and to are needed, as dates like 2026-11-24.");
        var zone = reader.Raw("zone") ?? "UTC";
        var search = reader.Text("search", CourseSalesPageRequest.MaxSearchLength);
        var sort = reader.OneOf("sort", SalesView.SortColumns) ?? "revenue";
        var descending = reader.Bool("desc") ?? true;
        if (from is { } start && to is { } end && new SalesRange(start, end, zone).Problem() is { } problem) reader.Refuse(problem);
        return reader.Problem is { } refused ? (null, refused) : (new SalesExportRequest(new SalesRange(from!.Value, to!.Value, zone), search, sort, descending), null);
    }

    public static void MapSalesExports(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(ExportPath + "/{report}", async (string report, HttpContext http, SalesQueries queries, CancellationToken ct) =>
        {
            if (Actor.From(http.User) is not { } actor) return Results.Forbid();
            if (!Reports.Contains(report, StringComparer.Ordinal)) return Results.NotFound();
            var (request, problem) = ParseExport(http.Request.Query);
            if (request is null) return CsvExport.BadRequest(problem!);
            var (range, scope) = (request.Range, SalesScope.For(actor));
            var (name, csv) = report switch
            {
                "by-course" => (SalesCsv.FileName("by-course", null, range.TimeZone),
                    SalesCsv.Courses(SalesView.Apply(await queries.ByCourseAsync(scope, ct), request.Search, request.Sort, request.Descending), null, range.TimeZone)),
                "by-day" => (SalesCsv.FileName("by-day", range, range.TimeZone), SalesCsv.Days(await queries.ByDayAsync(range, scope, ct), range)),
                "courses-in-range" => (SalesCsv.FileName("courses-in-range", range, range.TimeZone),
                    SalesCsv.Courses(SalesView.Apply(await queries.CoursesInRangeAsync(range, scope, ct), request.Search, request.Sort, request.Descending), range, range.TimeZone)),
                _ => (SalesCsv.FileName("by-instructor", range, range.TimeZone), SalesCsv.Instructors(await queries.InstructorsInRangeAsync(range, scope, ct), range)),
            };
            CsvExport.NoStore(http.Response);
            return Results.File(Encoding.UTF8.GetBytes(csv), CsvExport.ContentType, name);
        }).RequireAuthorization(policy => policy.RequireRole(StaffRoles.Admin, StaffRoles.Accounting, StaffRoles.Instructor)).WithExportLimits();
    }
}

public sealed record SalesExportRequest(SalesRange Range, string? Search, string Sort, bool Descending);
