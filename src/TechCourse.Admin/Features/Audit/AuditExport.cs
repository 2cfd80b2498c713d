using CsvHelper;
using Microsoft.AspNetCore.WebUtilities;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Infrastructure.Exports;

namespace TechCourse.Admin.Features.Audit;

// GET /exports/audit.csv?{the timeline's filter}: the filtered log, streamed row by row (no size cap, no buffering).
public static class AuditExport
{
    public const string Path = "/exports/audit.csv";

    public static void MapAuditExport(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet(Path, WriteAsync).RequireAuthorization(policy => policy.RequireRole(StaffRoles.Admin, StaffRoles.Instructor)).WithExportLimits();

    private static async Task<IResult> WriteAsync(HttpContext context, AuditQueries queries)
    {
        if (Actor.From(context.User) is not { } viewer) return Results.Forbid();
        var (filter, problem) = AuditFilterQuery.ParseStrict(QueryHelpers.ParseQuery(context.Request.QueryString.Value), "UTC");
        if (filter is null) return CsvExport.BadRequest(problem!);
        return await CsvExport.StreamAsync(context.Response, $"price-changes-{DateTime.UtcNow:yyyyMMdd-HHmmss}.csv", Header,
            queries.StreamAsync(viewer, filter, context.RequestAborted), WriteRow, context.RequestAborted);
    }

    private static void WriteRow(CsvWriter csv, AuditEntry e)
    {
        csv.WriteField(e.LogId, default);
        csv.WriteField(e.ChangedAt.ToUniversalTime(), "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'");
        csv.WriteField(e.CourseId, default);
        csv.WriteField(e.Course);
        csv.WriteField(e.OldPrice, default);
        csv.WriteField(e.NewPrice, default);
        csv.WriteField(e.Difference, default);
        csv.WriteField(e.PercentChange, default);
        csv.WriteField(e.Who);
        csv.WriteField(e.Source);
        csv.WriteField(e.Reason);
        csv.WriteField(e.SealSeq, default);
    }

    private static readonly string[] Header =
        ["log_id", "changed_at_utc", "course_id", "course", "old_price", "new_price", "difference", "percent_change", "who", "source", "reason", "seal_seq"];
}
