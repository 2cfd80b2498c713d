using System.Globalization;
using CsvHelper;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Infrastructure.Database;

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
        endpoints.MapGet(Path, WriteAsync).RequireAuthorization(policy => policy.RequireRole(StaffRoles.Admin, StaffRoles.Accounting, StaffRoles.Instructor));
        return endpoints;
    }

    private static async Task WriteAsync(HttpContext http, [FromKeyedServices(ReportsDataSource.Key)] EnrollmentsQueries queries, int? courseId, Guid? studentId, DateTimeOffset? from, DateTimeOffset? to)
    {
        if (Actor.From(http.User) is not { } viewer)
        {
            http.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }
        var ct = http.RequestAborted;
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"enrollments-{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}.csv\"";
        // Course titles and reasons are typed by people: a leading = + - @ is escaped so a spreadsheet never runs it.
        await using var csv = CsvWriter.Create(http.Response.Body, new CsvWriterOptions { Injection = CsvInjection.Escape }, leaveOpen: true);
        foreach (var header in Headers) csv.WriteField(header);
        await csv.EndRecordAsync(ct);
        await foreach (var row in queries.StreamAsync(viewer, new EnrollmentFilter(courseId, studentId, from, to), ct))
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
            await csv.EndRecordAsync(ct);
        }
        await csv.FlushAsync(ct);
    }

    private static readonly string[] Headers =
        ["enrollment_id", "enrolled_at_utc", "student_id", "student_email", "course_id", "course_title", "amount_paid", "list_price", "amount_override_reason"];
}
