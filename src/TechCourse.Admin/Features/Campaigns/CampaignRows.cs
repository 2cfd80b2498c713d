using TechCourse.Admin.Features.Courses;

namespace TechCourse.Admin.Features.Campaigns;

// The courses a bulk change is for: the ones ticked (CourseIds), or every course matching the grid's filter.
public sealed record CourseSelection(IReadOnlyList<int>? CourseIds = null, CourseFilter? Filter = null)
{
    public static CourseSelection Of(params int[] ids) => new(ids);
    public static CourseSelection Matching(CourseFilter filter) => new(Filter: filter);
}

public enum PreviewOutcome { Changes, Unchanged, BelowZero, AboveMaximum, NotYours, Missing, InOtherCampaign }

// A campaign that already holds a course at an overlapping time.
public sealed record OtherCampaign(int CampaignId, string Reason, DateTimeOffset StartsAt, DateTimeOffset? EndsAt, string TimeZone);

// One course of a preview: its price now and what the operation gives. Title and email are null for a course the
// viewer may not see (not theirs, or gone).
public sealed record PreviewRow(int CourseId, string? Title, string? InstructorEmail, decimal? OldPrice, decimal? NewPrice, PreviewOutcome Outcome,
    OtherCampaign? Other = null)
{
    public bool Changes => Outcome == PreviewOutcome.Changes;
    public decimal? PercentChange => OldPrice is > 0 && NewPrice is { } now ? Math.Round((now - OldPrice.Value) / OldPrice.Value * 100m, 1) : null;

    public string? Why => Outcome switch
    {
        PreviewOutcome.Changes => null,
        PreviewOutcome.Unchanged => "already at this price",
        PreviewOutcome.BelowZero => "would go below 0",
        PreviewOutcome.AboveMaximum => $"would go above the maximum of {CourseRules.FormatPrice(CourseRules.MaxPrice)}",
        PreviewOutcome.NotYours => "not yours",
        PreviewOutcome.Missing => "no longer exists",
        PreviewOutcome.InOtherCampaign => $"in campaign #{Other!.CampaignId} “{Other.Reason}” at that time",
        _ => null,
    };
}

// What applying or scheduling an operation on a selection would do, course by course. Nothing is written until the
// user applies it; applying now checks that every changing course still has OldPrice.
public sealed record CampaignPreview(PriceOperation Operation, IReadOnlyList<PreviewRow> Rows, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt)
{
    public IReadOnlyList<PreviewRow> Changing => Rows.Where(r => r.Changes).ToList();
    public int ChangingCount => Rows.Count(r => r.Changes);
    public int UnchangedCount => Rows.Count - ChangingCount;
}

public enum CampaignState { Scheduled, Active, Finished, Cancelled }

// When and how a campaign runs. StartsAt null: now. The zone is the one the user picked the times in (shown with them).
public sealed record CampaignPlan(string Reason, PriceOperation Operation, string TimeZone, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt);

// A course of a preview whose price changed (or that is gone or no longer the user's) between the preview and apply.
public sealed record PriceMoved(int CourseId, string? Title, decimal Previewed, decimal? Now, bool Gone, bool NotYours, PriceChange? LastChange);

public enum CampaignOutcome { Done, Invalid, PricesMoved, Overlap, NotFound, Started, Stale }

public sealed record CampaignResult(CampaignOutcome Outcome, int? CampaignId = null, string? Message = null, string? Field = null,
    IReadOnlyList<PriceMoved>? Moved = null, IReadOnlyList<OtherCampaign>? Others = null)
{
    public bool Succeeded => Outcome == CampaignOutcome.Done;
}
