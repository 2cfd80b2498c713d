using Dapper;
using Npgsql;
using TechCourse.Admin.Infrastructure.Auth;

namespace TechCourse.Admin.Features.Campaigns;

// Reading campaigns. Admins see every campaign; Instructors only those they created, and of those only the courses
// that are still theirs: the restriction is applied here, whatever the caller asks for.
public sealed class CampaignsQueries(NpgsqlDataSource dataSource)
{
    private const string Summary = """
        SELECT pc.campaign_id, pc.reason, pc.operation, pc.amount, pc.price_ending, pc.time_zone, pc.starts_at, pc.ends_at, pc.state,
               pc.created_by AS created_by_id, u.email AS created_by, pc.created_at, pc.applied_at, pc.reverted_at, pc.next_due_at,
               pc.ended_early_by IS NOT NULL AS ended_early,
               n.courses, n.pending, n.applied, n.skipped, n.reverted, n.kept, n.not_reverted
        FROM price_campaigns pc
        JOIN users u ON u.user_id = pc.created_by
        CROSS JOIN LATERAL (
            SELECT count(*) AS courses, count(*) FILTER (WHERE i.state = 'pending') AS pending, count(*) FILTER (WHERE i.state = 'applied') AS applied,
                   count(*) FILTER (WHERE i.state = 'skipped') AS skipped, count(*) FILTER (WHERE i.state = 'reverted') AS reverted,
                   count(*) FILTER (WHERE i.state = 'kept') AS kept, count(*) FILTER (WHERE i.state = 'not_reverted') AS not_reverted
            FROM price_campaign_courses i WHERE i.campaign_id = pc.campaign_id) n
        """;

    private static string StateName(CampaignState state) => state.ToString().ToLowerInvariant();

    public async Task<CampaignCounts> CountsAsync(Actor viewer, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleAsync<CampaignCounts>(new CommandDefinition("""
            SELECT count(*) FILTER (WHERE state = 'scheduled')::int AS scheduled, count(*) FILTER (WHERE state = 'active')::int AS active,
                   count(*) FILTER (WHERE state = 'finished')::int AS finished, count(*) FILTER (WHERE state = 'cancelled')::int AS cancelled
            FROM price_campaigns WHERE @isAdmin OR created_by = @viewer
            """, new { isAdmin = viewer.IsAdmin, viewer = viewer.UserId }, cancellationToken: ct));
    }

    // A page of the campaigns in one state: upcoming soonest first, active by their end, the others newest first.
    public async Task<CampaignSlice> PageAsync(Actor viewer, CampaignState state, int page, int size, CancellationToken ct)
    {
        var order = state switch
        {
            CampaignState.Scheduled => "pc.starts_at, pc.campaign_id",
            CampaignState.Active => "pc.ends_at, pc.campaign_id",
            _ => "pc.starts_at DESC, pc.campaign_id DESC",
        };
        size = Math.Clamp(size, 1, 100);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition($"""
            {Summary}
            WHERE pc.state = @state AND (@isAdmin OR pc.created_by = @viewer)
            ORDER BY {order}
            LIMIT @size OFFSET @offset;
            SELECT count(*)::int FROM price_campaigns WHERE state = @state AND (@isAdmin OR created_by = @viewer);
            """, new { state = StateName(state), isAdmin = viewer.IsAdmin, viewer = viewer.UserId, size, offset = Math.Max(0, page) * size }, cancellationToken: ct));
        var rows = (await results.ReadAsync<CampaignSummary>()).AsList();
        return new CampaignSlice(rows, await results.ReadSingleAsync<int>());
    }

    public async Task<CampaignDetails?> FindAsync(Actor viewer, int campaignId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var summary = await connection.QuerySingleOrDefaultAsync<CampaignSummary>(new CommandDefinition($"""
            {Summary}
            WHERE pc.campaign_id = @campaignId AND (@isAdmin OR pc.created_by = @viewer)
            """, new { campaignId, isAdmin = viewer.IsAdmin, viewer = viewer.UserId }, cancellationToken: ct));
        if (summary is null) return null;
        var extra = await connection.QuerySingleAsync<(string Version, string? EndedEarlyBy, string? CancelledBy, DateTimeOffset? CancelledAt)>(new CommandDefinition("""
            SELECT pc.xmin::text, e.email, x.email, pc.cancelled_at
            FROM price_campaigns pc LEFT JOIN users e ON e.user_id = pc.ended_early_by LEFT JOIN users x ON x.user_id = pc.cancelled_by
            WHERE pc.campaign_id = @campaignId
            """, new { campaignId }, cancellationToken: ct));
        return new CampaignDetails(summary, extra.Version, extra.EndedEarlyBy, extra.CancelledBy, extra.CancelledAt);
    }

    // The campaign's courses (the campaign must be the viewer's to see, or the viewer an Admin), titles first.
    public async Task<IReadOnlyList<CampaignCourse>> CoursesAsync(Actor viewer, int campaignId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<CampaignCourse>(new CommandDefinition("""
            SELECT i.course_id, CASE WHEN v.visible THEN c.title END AS title, v.visible, i.state,
                   CASE WHEN v.visible THEN c.price END AS price_now, i.price_before, i.price_after,
                   CASE WHEN v.visible AND i.state = 'pending' THEN price_campaign_price(pc.operation, pc.amount, pc.price_ending, c.price) END AS would_be,
                   i.outcome_reason, CASE WHEN v.visible THEN i.found_price END AS found_price, i.found_role,
                   CASE WHEN v.visible THEN f.changed_at END AS found_at, CASE WHEN v.visible THEN fu.email END AS found_by,
                   CASE WHEN v.visible THEN f.campaign_id END AS found_campaign_id
            FROM price_campaigns pc
            JOIN price_campaign_courses i ON i.campaign_id = pc.campaign_id
            LEFT JOIN courses c ON c.course_id = i.course_id
            CROSS JOIN LATERAL (SELECT c.course_id IS NOT NULL AND (@isAdmin OR c.instructor_id = @viewer) AS visible) v
            LEFT JOIN price_changes f ON f.log_id = i.found_log_id
            LEFT JOIN users fu ON fu.user_id = f.changed_by
            WHERE pc.campaign_id = @campaignId AND (@isAdmin OR pc.created_by = @viewer)
            ORDER BY v.visible DESC, c.title, i.course_id
            """, new { campaignId, isAdmin = viewer.IsAdmin, viewer = viewer.UserId }, cancellationToken: ct))).AsList();
    }

    // Enrollments and revenue of the campaign's applied courses the viewer may see, from its start to its end (or now,
    // while it runs), beside the same length of time just before its start: sales_courses_in_range over the exact
    // instants, summed per course in cents. Null for a campaign that changed nothing or has not started.
    public async Task<CampaignEffect?> EffectAsync(Actor viewer, CampaignDetails campaign, CancellationToken ct)
    {
        var summary = campaign.Summary;
        if (summary.AppliedAt is null || summary.Applied + summary.Reverted + summary.Kept + summary.NotReverted == 0) return null;
        var from = summary.StartsAt;
        var to = summary.CampaignState == CampaignState.Finished && summary.EndsAt is { } end ? end : DateTimeOffset.UtcNow;
        if (to <= from) return null;
        var before = from - (to - from);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<CourseEffect>(new CommandDefinition("""
            WITH mine AS (
                SELECT i.course_id, c.title FROM price_campaign_courses i JOIN courses c ON c.course_id = i.course_id
                WHERE i.campaign_id = @campaignId AND i.applied_log_id IS NOT NULL AND (@isAdmin OR c.instructor_id = @viewer))
            SELECT m.course_id, m.title,
                   coalesce(d.enrollments, 0) AS enrollments, coalesce(d.gross_revenue, 0) AS revenue,
                   coalesce(b.enrollments, 0) AS enrollments_before, coalesce(b.gross_revenue, 0) AS revenue_before
            FROM mine m
            LEFT JOIN sales_courses_in_range(@from, @to, (SELECT array_agg(course_id) FROM mine)) d ON d.course_id = m.course_id
            LEFT JOIN sales_courses_in_range(@before, @from, (SELECT array_agg(course_id) FROM mine)) b ON b.course_id = m.course_id
            ORDER BY m.title, m.course_id
            """, new
        {
            campaignId = summary.CampaignId, isAdmin = viewer.IsAdmin, viewer = viewer.UserId,
            from = from.ToUniversalTime(), to = to.ToUniversalTime(), before = before.ToUniversalTime(),
        }, cancellationToken: ct));
        return new CampaignEffect(from, to, before, rows.AsList());
    }
}
