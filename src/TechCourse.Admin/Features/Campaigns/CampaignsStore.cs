using System.Globalization;
using Dapper;
using Npgsql;
using TechCourse.Admin.Features.Courses;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Infrastructure.Database;

namespace TechCourse.Admin.Features.Campaigns;

// Writing campaigns, always as the signed-in actor (their session resolves to their rights in the database): apply a
// preview now (all or nothing), schedule it, edit or cancel an upcoming campaign, end an active one early. The
// database's price_campaign_* functions hold every rule; this class maps their refusals to messages.
public sealed class CampaignsStore(NpgsqlDataSource dataSource)
{
    public const string ReasonField = "reason";
    public const string StartField = "start";
    public const string EndField = "end";
    public const string NothingChanges = "None of these courses would change: adjust the operation or the selection.";
    public const string PricesMovedMessage = "Some prices changed since the preview, so nothing was applied. Review them and preview again.";
    public const string StartedMessage = "This campaign has started: it can no longer be edited or cancelled, only ended early.";
    public const string NotActiveMessage = "This campaign is not active any more, so there is nothing to end.";
    public const string StaleMessage = "Someone changed this campaign since you opened it. Reload it and try again.";
    public const string NotFoundMessage = "This campaign does not exist, or it is not one of yours.";
    private static readonly CultureInfo Us = CultureInfo.GetCultureInfo("en-US");

    public static readonly IReadOnlyDictionary<string, FieldError> ConstraintMessages = new Dictionary<string, FieldError>
    {
        ["price_campaigns_reason_check"] = new(ReasonField, $"Enter a reason of at most {CourseRules.MaxReasonLength} characters."),
        ["price_campaigns_amount_check"] = new("amount", "This amount is outside what the operation allows."),
        ["price_campaigns_end_after_start"] = new(EndField, "The end must be after the start."),
        ["price_campaigns_starts_ahead"] = new(StartField, "The start must be in the future (or apply the change now)."),
        ["price_campaign_courses_some"] = new(null, NothingChanges),
        ["price_campaign_courses_pkey"] = new(null, "A course is listed twice."),
        ["price_campaign_courses_course"] = new(null, "A course of the selection no longer exists: preview again."),
        ["price_campaign_courses_not_yours"] = new(null, "A course of the selection is not yours: preview again."),
        ["price_campaign_courses_no_overlap"] = new(null, "Another campaign holds one of these courses at that time."),
        ["price_campaigns_actor"] = new(null, DatabaseErrors.NotAllowed),
        ["price_campaigns_not_found"] = new(null, NotFoundMessage),
        ["price_campaigns_started"] = new(null, StartedMessage),
        ["price_campaigns_not_active"] = new(null, NotActiveMessage),
        ["price_campaigns_version"] = new(null, StaleMessage),
        ["price_campaign_prices_changed"] = new(null, PricesMovedMessage),
    };

    // Applies the preview's changing courses now, in one transaction: every course must still have the price the
    // preview showed, or nothing is written and the result lists what moved.
    public async Task<CampaignResult> ApplyNowAsync(Actor actor, CampaignPreview preview, CampaignPlan plan, CancellationToken ct)
    {
        var changing = preview.Changing;
        if (Validate(plan, changing.Count, scheduled: false) is { } invalid) return invalid;
        var args = Arguments(plan, changing.Select(r => r.CourseId));
        args.Add("expected", changing.Select(r => r.OldPrice!.Value).ToArray());
        return await WriteAsync(actor, """
            SELECT price_campaign_apply_now(@reason, @operation, @amount, @ending::numeric, @zone, @endsAt::timestamptz, @courses, @expected)
            """, args, plan, changing, ct);
    }

    // Schedules the preview's changing courses for plan.StartsAt: the scheduler applies the operation to the prices
    // they have then, as the actor with their rights of that moment, and returns them at plan.EndsAt.
    public async Task<CampaignResult> ScheduleAsync(Actor actor, CampaignPreview preview, CampaignPlan plan, CancellationToken ct)
    {
        var changing = preview.Changing;
        if (Validate(plan, changing.Count, scheduled: true) is { } invalid) return invalid;
        var args = Arguments(plan, changing.Select(r => r.CourseId));
        return await WriteAsync(actor, """
            SELECT price_campaign_create(@reason, @operation, @amount, @ending::numeric, @zone, @startsAt::timestamptz, @endsAt::timestamptz, @courses, NULL)
            """, args, plan, changing, ct);
    }

    // Replaces an upcoming campaign's plan and courses, if it is still the version the form loaded.
    public async Task<CampaignResult> RescheduleAsync(Actor actor, int campaignId, string version, CampaignPreview preview, CampaignPlan plan, CancellationToken ct)
    {
        var changing = preview.Changing;
        if (Validate(plan, changing.Count, scheduled: true) is { } invalid) return invalid;
        var args = Arguments(plan, changing.Select(r => r.CourseId));
        args.Add("campaignId", campaignId);
        args.Add("version", version);
        return await WriteAsync(actor, """
            SELECT price_campaign_reschedule(@campaignId, @version, @reason, @operation, @amount, @ending::numeric, @zone, @startsAt::timestamptz,
                                             @endsAt::timestamptz, @courses);
            SELECT @campaignId
            """, args, plan, changing, ct, campaignId, skipFirst: true);
    }

    public async Task<CampaignResult> CancelAsync(Actor actor, int campaignId, string? version, CancellationToken ct) =>
        await WriteAsync(actor, "SELECT price_campaign_cancel(@campaignId, @version); SELECT @campaignId",
            new DynamicParameters(new { campaignId, version }), null, [], ct, campaignId, skipFirst: true);

    // Ends an active campaign now: its courses go back to their prices from before it, with the actor's rights,
    // except those changed meanwhile (kept, and flagged on the campaign).
    public async Task<CampaignResult> EndNowAsync(Actor actor, int campaignId, CancellationToken ct) =>
        await WriteAsync(actor, "SELECT (SELECT campaign_id FROM price_campaign_end_now(@campaignId))",
            new DynamicParameters(new { campaignId }), null, [], ct, campaignId);

    private static CampaignResult? Validate(CampaignPlan plan, int changing, bool scheduled)
    {
        if (string.IsNullOrWhiteSpace(plan.Reason)) return Invalid(ReasonField, "Enter a reason: it goes with every price change of the campaign.");
        if (CourseRules.ReasonError(plan.Reason) is { } reason) return Invalid(ReasonField, reason);
        if (plan.Operation.Error is { } operation) return Invalid("amount", operation);
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(plan.TimeZone, out _)) return Invalid(StartField, "Unknown time zone.");
        if (scheduled && plan.StartsAt is null) return Invalid(StartField, "Pick when the campaign starts.");
        if (plan.EndsAt is { } end && end <= (plan.StartsAt ?? DateTimeOffset.UtcNow)) return Invalid(EndField, "The end must be after the start.");
        if (changing == 0) return Invalid(null, NothingChanges);
        return null;
    }

    private static CampaignResult Invalid(string? field, string message) => new(CampaignOutcome.Invalid, Message: message, Field: field);

    private static DynamicParameters Arguments(CampaignPlan plan, IEnumerable<int> courses)
    {
        var args = new DynamicParameters();
        args.Add("reason", plan.Reason.Trim());
        args.Add("operation", plan.Operation.DatabaseName);
        args.Add("amount", plan.Operation.Amount);
        args.Add("ending", plan.Operation.Ending);
        args.Add("zone", plan.TimeZone);
        args.Add("startsAt", plan.StartsAt?.ToUniversalTime());
        args.Add("endsAt", plan.EndsAt?.ToUniversalTime());
        args.Add("courses", courses.ToArray());
        return args;
    }

    private async Task<CampaignResult> WriteAsync(Actor actor, string sql, DynamicParameters args, CampaignPlan? plan, IReadOnlyList<PreviewRow> changing,
        CancellationToken ct, int? campaignId = null, bool skipFirst = false)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await using var grid = await connection.WriteAsActorAsync(actor, sql, args, ct);
            if (skipFirst) await grid.ReadAsync();
            return new CampaignResult(CampaignOutcome.Done, await grid.ReadSingleAsync<int>());
        }
        catch (PostgresException e) when (e.ConstraintName == "price_campaign_prices_changed")
        {
            return new CampaignResult(CampaignOutcome.PricesMoved, Message: PricesMovedMessage, Moved: await MovedAsync(actor, changing, ct));
        }
        catch (PostgresException e) when (e.ConstraintName == "price_campaign_courses_no_overlap" && plan is not null)
        {
            var others = await OverlapsAsync(changing.Select(r => r.CourseId).ToArray(), plan, campaignId, ct);
            return new CampaignResult(CampaignOutcome.Overlap, campaignId, OverlapMessage(others), Others: others);
        }
        catch (Exception e) when (DatabaseErrors.Describe(e, ConstraintMessages) is { } error)
        {
            var outcome = (e as PostgresException)?.ConstraintName switch
            {
                "price_campaigns_not_found" => CampaignOutcome.NotFound,
                "price_campaigns_started" or "price_campaigns_not_active" => CampaignOutcome.Started,
                "price_campaigns_version" => CampaignOutcome.Stale,
                _ => CampaignOutcome.Invalid,
            };
            return new CampaignResult(outcome, campaignId, error.Message, error.Field);
        }
    }

    // The preview's courses whose price is no longer the one shown (or that are gone or no longer the actor's), with
    // the last change of each the actor may see; read after the refused apply was rolled back.
    private async Task<IReadOnlyList<PriceMoved>> MovedAsync(Actor actor, IReadOnlyList<PreviewRow> changing, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<MovedRow>(new CommandDefinition("""
            SELECT x.course_id, x.expected AS previewed, c.price AS now, c.course_id IS NULL AS gone,
                   c.course_id IS NOT NULL AND NOT (@isAdmin OR c.instructor_id = @userId) AS not_yours, c.title,
                   l.log_id, l.changed_at, l.old_price, l.new_price, u.email AS changed_by, l.source, l.reason, l.campaign_id
            FROM unnest(@ids, @expected) x(course_id, expected)
            LEFT JOIN courses c ON c.course_id = x.course_id
            LEFT JOIN LATERAL (SELECT p.log_id, p.changed_at, p.old_price, p.new_price, p.changed_by, p.source, p.reason, p.campaign_id FROM price_changes p
                               WHERE p.course_id = x.course_id AND (@isAdmin OR c.instructor_id = @userId)
                               ORDER BY p.changed_at DESC, p.log_id DESC LIMIT 1) l ON true
            LEFT JOIN users u ON u.user_id = l.changed_by
            WHERE c.course_id IS NULL OR c.price <> x.expected OR NOT (@isAdmin OR c.instructor_id = @userId)
            ORDER BY c.title NULLS LAST, x.course_id
            """, new
        {
            ids = changing.Select(r => r.CourseId).ToArray(),
            expected = changing.Select(r => r.OldPrice!.Value).ToArray(),
            isAdmin = actor.IsAdmin,
            userId = actor.UserId,
        }, cancellationToken: ct));
        return rows.Select(r => new PriceMoved(r.CourseId, r.NotYours ? null : r.Title, r.Previewed, r.NotYours ? null : r.Now, r.Gone, r.NotYours,
            r.LogId is { } logId && !r.NotYours ? new PriceChange(logId, r.ChangedAt!.Value, r.OldPrice, r.NewPrice, r.ChangedBy, r.Source!, r.Reason, r.CampaignId) : null)).ToList();
    }

    private sealed record MovedRow(int CourseId, decimal Previewed, decimal? Now, bool Gone, bool NotYours, string? Title, int? LogId, DateTimeOffset? ChangedAt,
        decimal? OldPrice, decimal? NewPrice, string? ChangedBy, string? Source, string? Reason, int? CampaignId);

    // The campaigns that hold any of these courses at an overlapping time (other than the one being edited).
    private async Task<IReadOnlyList<OtherCampaign>> OverlapsAsync(int[] courses, CampaignPlan plan, int? editing, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<OtherCampaign>(new CommandDefinition("""
            SELECT DISTINCT pc.campaign_id, pc.reason, pc.starts_at, pc.ends_at, pc.time_zone
            FROM price_campaign_courses i JOIN price_campaigns pc ON pc.campaign_id = i.campaign_id
            WHERE i.course_id = ANY (@courses) AND i.holds AND i.campaign_id IS DISTINCT FROM @editing::int
              AND i.period && price_campaign_period(coalesce(@startsAt::timestamptz, now()), @endsAt::timestamptz)
            ORDER BY pc.starts_at, pc.campaign_id
            """, new { courses, editing, startsAt = plan.StartsAt?.ToUniversalTime(), endsAt = plan.EndsAt?.ToUniversalTime() }, cancellationToken: ct))).AsList();
    }

    public static string OverlapMessage(IReadOnlyList<OtherCampaign> others) => others.Count switch
    {
        0 => "Another campaign holds one of these courses at that time (it may have just been cancelled): try again.",
        _ => $"This overlaps {string.Join(" and ", others.Take(3).Select(Describe))} on some of these courses. " +
             "A course can be in one campaign at a time: pick other dates, or leave those courses out.",
    };

    public static string Describe(OtherCampaign other)
    {
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(other.TimeZone, out var found) ? found : TimeZoneInfo.Utc;
        string At(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, zone).ToString("ddd d MMM yyyy HH:mm", Us);
        var when = other.EndsAt is { } end ? $"{At(other.StartsAt)} – {At(end)}" : $"from {At(other.StartsAt)}";
        return $"campaign #{other.CampaignId} “{other.Reason}” ({when}, {zone.Id})";
    }
}
