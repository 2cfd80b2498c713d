namespace TechCourse.Admin.Features.Enrollments;

public sealed record EnrollmentRow(
    int EnrollmentId, DateTimeOffset EnrolledAt, Guid StudentId, string StudentEmail, int CourseId, string CourseTitle,
    decimal AmountPaid, decimal? ListPrice, string? AmountOverrideReason);

// Times are instants: From inclusive, To exclusive (the page turns the viewer's calendar days into these).
public sealed record EnrollmentFilter(int? CourseId = null, Guid? StudentId = null, DateTimeOffset? From = null, DateTimeOffset? To = null);

public sealed record EnrollmentCursor(DateTimeOffset EnrolledAt, int EnrollmentId);

// Estimate: the planner's estimate of the filter's rows, with the first page only (null for "load more").
public sealed record EnrollmentPage(IReadOnlyList<EnrollmentRow> Rows, EnrollmentCursor? Next, long? Estimate);

public sealed record CourseChoice(int CourseId, string Title, decimal Price);

public enum EnrollOutcomeKind { Created, AlreadySaved, PriceChanged, Refused }

public sealed record EnrollRequest(Guid RequestToken, Guid StudentId, int CourseId, decimal ShownPrice, decimal? OverrideAmount, string? OverrideReason);

public sealed record EnrollOutcome(EnrollOutcomeKind Kind, int? EnrollmentId = null, decimal? AmountPaid = null, decimal? CurrentPrice = null,
    DateTimeOffset? EnrolledAt = null, Infrastructure.Database.FieldError? Error = null);
