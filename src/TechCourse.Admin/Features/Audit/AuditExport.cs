using System.Globalization;
using CsvHelper;
using Microsoft.AspNetCore.WebUtilities;
using TechCourse.Admin.Infrastructure.Auth;

namespace TechCourse.Admin.Features.Audit;

// GET /exports/audit.csv?{the timeline's filter}: the filtered log, streamed row by row (no size cap, no buffering).
public static class AuditExport
{
    public const string Path = "/exports/audit.csv";

    public static void MapAuditExport(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet(Path, WriteAsync).RequireAuthorization(policy => policy.RequireRole(StaffRoles.Admin, StaffRoles.Instructor));

    private static async Task WriteAsync(HttpContext context, AuditQueries queries)
    {
        if (Actor.From(context.User) is not { } viewer)
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }
        var filter = AuditFilterQuery.Parse(QueryHelpers.ParseQuery(context.Request.QueryString.Value), "UTC");
        var ct = context.RequestAborted;
        context.Response.ContentType = "text/csv; charset=utf-8";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"price-changes-{DateTime.UtcNow:yyyyMMdd-HHmmss}.csv\"";
        await using var csv = CsvWriter.Create(context.Response.Body, null, leaveOpen: true);
        await csv.WriteRecordAsync(Header, ct);
        await foreach (var entry in queries.StreamAsync(viewer, filter, ct))
            await csv.WriteRecordAsync(Fields(entry), ct);
        await csv.FlushAsync(ct);
    }

    private static readonly string[] Header =
        ["log_id", "changed_at_utc", "course_id", "course", "old_price", "new_price", "difference", "percent_change", "who", "source", "reason", "seal_seq"];

    private static string?[] Fields(AuditEntry e) =>
    [
        Text(e.LogId), e.ChangedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture), Text(e.CourseId),
        Safe(e.CourseTitle), Text(e.OldPrice), Text(e.NewPrice), Text(e.Difference), Text(e.PercentChange), Safe(e.Who), Safe(e.Source), Safe(e.Reason), Text(e.SealSeq),
    ];

    private static string? Text<T>(T value) => value is null ? null : Convert.ToString(value, CultureInfo.InvariantCulture);

    // Free text that a spreadsheet would run as a formula gets a leading apostrophe (OWASP CSV injection).
    private static string? Safe(string? text) => text is { Length: > 0 } && "=+-@\t\r".Contains(text[0], StringComparison.Ordinal) ? "'" + text : text;
}
