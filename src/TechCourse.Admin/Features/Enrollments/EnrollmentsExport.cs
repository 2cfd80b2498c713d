using System.Globalization;
using CsvHelper;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Infrastructure.Database;
using TechCourse.Admin.Infrastructure.Exports;
using TechCourse.Admin.Infrastructure.Http;

namespace TechCourse.Admin.Features.Enrollments;

// GET /exports/enrollments.csv?courseId=&studentId=&from=&to= — the grid's filter, every matching row, streamed.
public static class EnrollmentsExport
{
    public const string Path = "/exports/enrollments.csv";

    public static string UrlFor(EnrollmentFilter filter)
    {
        var query = new List<string>();
        if (filter.CourseId is { } c) query.Add($"courseId={c}");
        if (filter.StudentId is { } s) query.Add($"studentId={s}");
        if (filter.From is { } f) query.Add($"from={Uri.EscapeDataString(f.ToString("O", CultureInfo.InvariantCulture))}");
        if (filter.To is { } t) query.Add($"to={Uri.EscapeDataString(t.ToString("O", CultureInfo.InvariantCulture))}");
        return query.Count == 0 ? Path : $"{Path}?{string.Join('&', query)}";
    }

    public static IEndpointRouteBuilder MapEnrollmentsExport(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(Path, WriteAsync).RequireAuthorization(policy => policy.RequireRole(StaffRoles.Admin, StaffRoles.Accounting, StaffRoles.Instructor))
            .WithExportLimits();
        return endpoints;
    }

    // The filter of the query string, or a problem: an id, instant or range the grid could not have produced.
    public static (EnrollmentFilter? Filter, string? Problem) Parse(QueryStringReader query)
    {
        var filter = new EnrollmentFilter(query.Id("courseId"), query.Guid("studentId"), query.Instant("from"), query.Instant("to"));
        if (filter is { From: { } from, To: { } to } && to <= from) query.Refuse("to must be after from.");
        return query.Problem is { } problem ? (null, problem) : (filter, null);
    }

    private static async Task<IResult> WriteAsync(HttpContext http, [FromKeyedServices(ReportsDataSource.Key)] EnrollmentsQueries queries)
    {
        if (Actor.From(http.User) is not { } viewer) return Results.Forbid();
        var (filter, problem) = Parse(new QueryStringReader(http.Request.Query));
        if (filter is null) return CsvExport.BadRequest(problem!);
        return await CsvExport.StreamAsync(http.Response, $"enrollments-{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}.csv", Headers,
            queries.StreamAsync(viewer, filter, http.RequestAborted), WriteRow, http.RequestAborted);
    }

    private static void WriteRow(CsvWriter csv, EnrollmentRow row)
    {
        csv.WriteField(row.EnrollmentId, default);
        csv.WriteField(row.EnrolledAt.ToUniversalTime(), "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'");
        csv.WriteField(row.StudentId, default);
        csv.WriteField(row.StudentEmail);
        csv.WriteField(row.CourseId, default);
        csv.WriteField(row.CourseTitle);
        csv.WriteField(row.AmountPaid, "0.00");
        csv.WriteField(row.ListPrice, "0.00");
        csv.WriteField(row.AmountOverrideReason ?? "");
    }

    private static readonly string[] Headers =
        ["enrollment_id", "enrolled_at_utc", "student_id", "student_email", "course_id", "course_title", "amount_paid", "list_price", "amount_override_reason"];
}
