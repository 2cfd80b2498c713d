namespace TechCourse.Admin.Features.Courses;

public enum CourseSort { Title, Price, Published, Enrollments, Revenue, PassingScore }

public sealed record CourseFilter(
    string? Search = null, bool? Published = null, Guid? InstructorId = null, string? Difficulty = null,
    int? PassingScore = null, decimal? MinPrice = null, decimal? MaxPrice = null);

// KnownTotal: the count of this filter from an earlier page; given, the page is read without counting again.
public sealed record CoursePageRequest(CourseFilter Filter, CourseSort Sort = CourseSort.Title, bool Descending = false, int Page = 0, int PageSize = 25, int? KnownTotal = null);

public sealed record CourseRow(
    int CourseId, string Title, decimal Price, bool IsPublished, Guid? InstructorId, string? InstructorEmail,
    string? Difficulty, string? PassingScore, long Enrollments, decimal GrossRevenue);

public sealed record CoursePage(IReadOnlyList<CourseRow> Rows, int TotalCount);

public sealed record CourseDetails(
    int CourseId, string Title, decimal Price, bool IsPublished, Guid? InstructorId, string? InstructorEmail, string? QuizMetadata, string Version);

public sealed record CourseDraft(string Title, decimal Price, bool IsPublished, Guid? InstructorId, string? QuizMetadata);

public sealed record InstructorOption(Guid UserId, string Email);

// One entry of a course's price history; ChangedBy is the staff email, or null when changed outside the app (Source names the database role).
// CampaignId: the price campaign that made the change, if one did.
public sealed record PriceChange(int LogId, DateTimeOffset ChangedAt, decimal? OldPrice, decimal? NewPrice, string? ChangedBy, string Source, string? Reason,
    int? CampaignId = null)
{
    // Npgsql hands timestamptz to Dapper as a UTC DateTime.
    public PriceChange(int logId, DateTime changedAt, decimal? oldPrice, decimal? newPrice, string? changedBy, string source, string? reason, int? campaignId)
        : this(logId, new DateTimeOffset(DateTime.SpecifyKind(changedAt, DateTimeKind.Utc)), oldPrice, newPrice, changedBy, source, reason, campaignId) { }

    public decimal? PercentChange => OldPrice is { } old && NewPrice is { } now && old != 0 ? Math.Round((now - old) / old * 100m, 1) : null;

    public string Who => ChangedBy ?? $"{Source} (outside the app)";
}
