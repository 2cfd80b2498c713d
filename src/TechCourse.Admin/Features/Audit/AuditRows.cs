namespace TechCourse.Admin.Features.Audit;

public enum PriceDirection { Any, Increases, Decreases }

// What the timeline shows; every field is optional and round-trips through the page's query string.
public sealed record AuditFilter(
    int? CourseId = null,
    Guid? InstructorId = null,
    Guid? ActorId = null,
    bool OutsideAppOnly = false,
    DateOnly? From = null,
    DateOnly? To = null,
    PriceDirection Direction = PriceDirection.Any,
    decimal? MinPercent = null,
    string TimeZone = "UTC")
{
    public static AuditFilter None { get; } = new();

    // The date range covers whole days in the viewer's time zone: From at 00:00 up to the end of To, as UTC instants
    // (Npgsql writes a timestamptz parameter only at offset 0; a Tokyo midnight failed the export after its headers).
    public DateTimeOffset? FromInstant => From is { } day ? StartOf(day) : null;
    public DateTimeOffset? ToInstant => To is { } day ? StartOf(day.AddDays(1)) : null;

    private DateTimeOffset StartOf(DateOnly day)
    {
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out var found) ? found : TimeZoneInfo.Utc;
        var local = day.ToDateTime(TimeOnly.MinValue);
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }
}

// Position after the last row shown; the next page starts strictly below it in (changed_at, log_id) order.
public sealed record AuditCursor(DateTimeOffset ChangedAt, int LogId);

public sealed record AuditEntry(
    int LogId,
    int CourseId,
    string? CourseTitle,
    decimal? OldPrice,
    decimal? NewPrice,
    DateTimeOffset ChangedAt,
    Guid? ChangedBy,
    string? ActorEmail,
    string? ActorRole,
    string Source,
    string? Reason,
    long? SealSeq,
    bool CourseDeleted,
    int? CampaignId)
{
    // The title, or for a course deleted since the change "deleted course #N (its title then)".
    public string Course => CourseDeleted ? AuditQueries.CourseLabel(CourseId, CourseTitle, deleted: true) : CourseTitle ?? $"#{CourseId}";
    public decimal? Difference => NewPrice - OldPrice;
    public decimal? PercentChange => OldPrice is > 0 && NewPrice is not null ? Math.Round((NewPrice.Value - OldPrice.Value) / OldPrice.Value * 100m, 1) : null;
    public string Who => ChangedBy is not null ? $"{ActorEmail ?? ChangedBy.ToString()} ({ActorRole ?? "unknown role"})" : $"outside the app: {Source}";
    public AuditCursor Cursor => new(ChangedAt, LogId);
}

public sealed record AuditSlice(IReadOnlyList<AuditEntry> Entries, AuditCursor? Next);

public sealed record AuditOption(string Id, string Label);

public enum PricePointKind { NoChangesLogged, BeforeLog, Between, AfterLast }

// The price in force at a moment, as far as the log can tell.
public sealed record PriceAtPoint(
    PricePointKind Kind,
    decimal CurrentPrice,
    decimal? Price,
    DateTimeOffset? InForceSince,
    DateTimeOffset? InForceUntil,
    DateTimeOffset? FirstLogged,
    decimal? PriceBeforeFirstLogged,
    DateTimeOffset? ArchivedThrough);

// Offset -14…-1: the 24-hour windows before the change; 1…14: the windows after it.
public sealed record DailyEnrollments(int Offset, DateTimeOffset WindowStart, long Enrollments);

public sealed record ChangeEffect(AuditEntry Change, IReadOnlyList<DailyEnrollments> Days)
{
    public long Before => Days.Where(d => d.Offset < 0).Sum(d => d.Enrollments);
    public long After => Days.Where(d => d.Offset > 0).Sum(d => d.Enrollments);
}
