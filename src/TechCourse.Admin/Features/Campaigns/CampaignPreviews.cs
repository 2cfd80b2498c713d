using Dapper;
using Npgsql;
using TechCourse.Admin.Features.Courses;
using TechCourse.Admin.Infrastructure.Auth;

namespace TechCourse.Admin.Features.Campaigns;

// Reads what a bulk change would do: every selected course's price now, the price the operation gives it (computed by
// the database's price_campaign_price, as the apply will), and why a course would not change. One statement.
public sealed class CampaignPreviews(NpgsqlDataSource dataSource)
{
    public const int MaxCourses = 20_000;

    private sealed record Row(int CourseId, bool Found, bool Yours, string? Title, string? InstructorEmail, decimal? OldPrice, decimal? NewPrice,
        int? OtherId, string? OtherReason, DateTimeOffset? OtherStartsAt, DateTimeOffset? OtherEndsAt, string? OtherTimeZone);

    // startsAt null: applied now. editing: the campaign being edited, whose own courses do not count as overlaps.
    public async Task<CampaignPreview> PreviewAsync(Actor actor, CourseSelection selection, PriceOperation operation, DateTimeOffset? startsAt,
        DateTimeOffset? endsAt, CancellationToken ct, int? editing = null)
    {
        string picked;
        DynamicParameters parameters;
        if (selection.Filter is { } filter)
        {
            (var where, parameters) = CoursesQueries.Filter(actor, filter);
            picked = $"SELECT c.course_id FROM courses c WHERE {where} LIMIT {MaxCourses}";
        }
        else
        {
            parameters = new DynamicParameters();
            parameters.Add("ids", (selection.CourseIds ?? []).Distinct().Take(MaxCourses).ToArray());
            picked = "SELECT DISTINCT unnest(@ids) AS course_id";
        }
        parameters.Add("isAdmin", actor.IsAdmin);
        parameters.Add("userId", actor.UserId);
        parameters.Add("operation", operation.DatabaseName);
        parameters.Add("amount", operation.Amount);
        parameters.Add("ending", operation.Ending);
        parameters.Add("startsAt", startsAt?.ToUniversalTime());
        parameters.Add("endsAt", endsAt?.ToUniversalTime());
        parameters.Add("editing", editing);
        var sql = $"""
            WITH picked AS ({picked})
            SELECT x.course_id, c.course_id IS NOT NULL AS found, coalesce(@isAdmin OR c.instructor_id = @userId, false) AS yours,
                   c.title, u.email AS instructor_email, c.price AS old_price,
                   price_campaign_price(@operation, @amount, @ending::numeric, c.price) AS new_price,
                   o.campaign_id AS other_id, o.reason AS other_reason, o.starts_at AS other_starts_at, o.ends_at AS other_ends_at,
                   o.time_zone AS other_time_zone
            FROM picked x
            LEFT JOIN courses c ON c.course_id = x.course_id
            LEFT JOIN users u ON u.user_id = c.instructor_id
            LEFT JOIN LATERAL (
                SELECT pc.campaign_id, pc.reason, pc.starts_at, pc.ends_at, pc.time_zone
                FROM price_campaign_courses i JOIN price_campaigns pc ON pc.campaign_id = i.campaign_id
                WHERE i.course_id = x.course_id AND i.holds
                  AND i.period && price_campaign_period(coalesce(@startsAt::timestamptz, now()), @endsAt::timestamptz)
                  AND i.campaign_id IS DISTINCT FROM @editing::int
                ORDER BY pc.starts_at LIMIT 1) o ON true
            ORDER BY c.title NULLS LAST, x.course_id
            """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(sql, parameters, cancellationToken: ct));
        return new CampaignPreview(operation, rows.Select(ToPreviewRow).ToList(), startsAt, endsAt);
    }

    private static PreviewRow ToPreviewRow(Row r)
    {
        if (!r.Found) return new PreviewRow(r.CourseId, null, null, null, null, PreviewOutcome.Missing);
        if (!r.Yours) return new PreviewRow(r.CourseId, null, null, null, null, PreviewOutcome.NotYours);
        var other = r.OtherId is { } id ? new OtherCampaign(id, r.OtherReason!, r.OtherStartsAt!.Value, r.OtherEndsAt, r.OtherTimeZone!) : null;
        var outcome = other is not null ? PreviewOutcome.InOtherCampaign
            : r.NewPrice < 0 ? PreviewOutcome.BelowZero
            : r.NewPrice > CourseRules.MaxPrice ? PreviewOutcome.AboveMaximum
            : r.NewPrice == r.OldPrice ? PreviewOutcome.Unchanged
            : PreviewOutcome.Changes;
        return new PreviewRow(r.CourseId, r.Title, r.InstructorEmail, r.OldPrice, r.NewPrice, outcome, other);
    }
}
