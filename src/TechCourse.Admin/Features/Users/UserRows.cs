namespace TechCourse.Admin.Features.Users;

public sealed record UserRow(Guid UserId, string Email, string Role, DateTimeOffset? CreatedAt, DateTimeOffset? AnonymisedAt)
{
    public bool IsAnonymised => AnonymisedAt is not null;
}

public enum UserSort { CreatedNewest, CreatedOldest, EmailAscending, EmailDescending }

public sealed record UserFilter(string? Search = null, string? Role = null, UserSort Sort = UserSort.CreatedNewest);

// Where the next page starts: the last row of the page before (keyset, never OFFSET).
public sealed record UserCursor(string Email, DateTimeOffset? CreatedAt, Guid UserId)
{
    public static UserCursor After(UserRow row) => new(row.Email, row.CreatedAt, row.UserId);
}

// Estimate: about how many users match the filter, counted with the first page (exact without a search, or when the
// search saw every match; scaled from how many users the search read to fill the page when sorted by creation date;
// null when unknown).
public sealed record UserPage(IReadOnlyList<UserRow> Rows, UserCursor? Next, long? Estimate);

// A row of UserListSql: the user and the page's count.
public sealed record UserListRow(Guid UserId, string Email, string Role, DateTimeOffset? CreatedAt, DateTimeOffset? AnonymisedAt, long? Total)
{
    public UserRow User => new(UserId, Email, Role, CreatedAt, AnonymisedAt);
}

public sealed record UserChoice(Guid UserId, string Email);

// A created user; Password is the generated one-time password of a staff account (null for a student).
public sealed record NewUser(Guid UserId, string? Password);

// What stands in the way of removing someone, so the dialog offers the right action.
public sealed record RemovalFacts(Guid UserId, string Email, string Role, long Enrollments, long Courses, long PriceChanges, long EnrollmentsRecorded)
{
    public bool CanHardDelete => Enrollments == 0 && Courses == 0 && PriceChanges == 0 && EnrollmentsRecorded == 0;
}

public sealed record StudentProfile(Guid UserId, string Email, string Role, DateTimeOffset? CreatedAt, DateTimeOffset? AnonymisedAt, long Enrollments, decimal TotalPaid);

// A user's page as loaded (profile null: no such user).
public sealed record StudentDetails(Guid UserId, StudentProfile? Profile, IReadOnlyList<StudentEnrollmentRow> Enrollments);

public sealed record StudentEnrollmentRow(int EnrollmentId, int CourseId, string CourseTitle, decimal AmountPaid, decimal? ListPrice, string? AmountOverrideReason, DateTimeOffset EnrolledAt);
