using TechCourse.Admin.Features.Courses;

namespace TechCourse.Admin.Features.Campaigns;

// A campaign as the campaigns page lists it, with how many of its courses are in each state.
public sealed record CampaignSummary(int CampaignId, string Reason, string Operation, decimal Amount, decimal? PriceEnding, string TimeZone,
    DateTimeOffset StartsAt, DateTimeOffset? EndsAt, string State, Guid CreatedById, string CreatedBy, DateTimeOffset CreatedAt,
    DateTimeOffset? AppliedAt, DateTimeOffset? RevertedAt, DateTimeOffset? NextDueAt, bool EndedEarly,
    long Courses, long Pending, long Applied, long Skipped, long Reverted, long Kept, long NotReverted)
{
    public PriceOperation PriceOperation => new(Campaigns.PriceOperation.KindOf(Operation), Amount, PriceEnding);

    public CampaignState CampaignState => State switch
    {
        "scheduled" => CampaignState.Scheduled,
        "active" => CampaignState.Active,
        "finished" => CampaignState.Finished,
        _ => CampaignState.Cancelled,
    };

    // Flagged: a course skipped at the start, kept at the end because it was changed meanwhile, or not reverted.
    public long Flagged => Skipped + Kept + NotReverted;

    // The scheduler has not run a step that fell due more than a few seconds ago (it is down, or the step keeps failing).
    public bool Overdue(DateTimeOffset now) => NextDueAt is { } due && now - due > TimeSpan.FromSeconds(30);
}

public sealed record CampaignSlice(IReadOnlyList<CampaignSummary> Rows, int Total);

public sealed record CampaignCounts(int Scheduled, int Active, int Finished, int Cancelled)
{
    public int Of(CampaignState state) => state switch
    {
        CampaignState.Scheduled => Scheduled,
        CampaignState.Active => Active,
        CampaignState.Finished => Finished,
        _ => Cancelled,
    };
}

// A campaign opened on its own page: the summary, the version an edit or cancel must match, who ended or cancelled it.
public sealed record CampaignDetails(CampaignSummary Summary, string Version, string? EndedEarlyBy, string? CancelledBy, DateTimeOffset? CancelledAt)
{
    public bool CanEdit(Guid viewer) => Summary.CampaignState == CampaignState.Scheduled && Summary.CreatedById == viewer;
}

// One course of a campaign and what became of it. Title and prices are null for a course the viewer may no longer see
// (deleted, or now another instructor's). WouldBe: for an upcoming campaign, what its operation gives today's price.
public sealed record CampaignCourse(int CourseId, string? Title, bool Visible, string State, decimal? PriceNow, decimal? PriceBefore, decimal? PriceAfter,
    decimal? WouldBe, string? OutcomeReason, decimal? FoundPrice, string? FoundRole, DateTimeOffset? FoundAt, string? FoundBy, int? FoundCampaignId)
{
    public string StateLabel => State switch
    {
        "pending" => "Waiting for the start",
        "applied" => "Applied",
        "skipped" => "Skipped",
        "reverted" => "Reverted",
        "kept" => "Kept (changed meanwhile)",
        "not_reverted" => "Not reverted",
        _ => State,
    };

    public bool Flagged => State is "skipped" or "kept" or "not_reverted";

    // Why the campaign did not change (or did not return) this course.
    public string? Why => OutcomeReason switch
    {
        null => null,
        "course_deleted" => "The course no longer exists.",
        "role" => $"The acting account was {RoleName(FoundRole)} then, which may not change prices.",
        "not_owner" => "The course was no longer the campaign creator's.",
        "below_zero" => "The operation would have taken the price below 0.",
        "above_maximum" => $"The operation would have taken the price above {CourseRules.FormatPrice(CourseRules.MaxPrice)}.",
        "unchanged" => "The course already had the campaign's price.",
        "price_changed" => $"Its price had changed since the preview (to {Money(FoundPrice)}{By}).",
        "changed_meanwhile" => $"Its price was changed during the campaign (to {Money(FoundPrice)}{By}), so it was left as it is.",
        _ => OutcomeReason,
    };

    private string By => FoundBy is null && FoundAt is null ? "" : $" by {FoundBy ?? "someone outside the app"}{(FoundCampaignId is { } c ? $" in campaign #{c}" : "")}";

    private static string RoleName(string? role) => role switch
    {
        null or "none" => "signed out",
        "removed" => "removed",
        _ => $"{("AEIOU".Contains(role[0], StringComparison.Ordinal) ? "an" : "a")} {role} account",
    };

    private static string Money(decimal? value) => value is { } v ? CourseRules.FormatPrice(v) : "—";
}

// Enrollments and revenue of a campaign's courses while it ran ([From, To)) beside the same length just before it.
public sealed record CampaignEffect(DateTimeOffset From, DateTimeOffset To, DateTimeOffset BeforeFrom, IReadOnlyList<CourseEffect> Courses)
{
    public long Enrollments => Courses.Sum(c => c.Enrollments);
    public decimal Revenue => Courses.Sum(c => c.Revenue);
    public long EnrollmentsBefore => Courses.Sum(c => c.EnrollmentsBefore);
    public decimal RevenueBefore => Courses.Sum(c => c.RevenueBefore);
}

public sealed record CourseEffect(int CourseId, string Title, long Enrollments, decimal Revenue, long EnrollmentsBefore, decimal RevenueBefore);
