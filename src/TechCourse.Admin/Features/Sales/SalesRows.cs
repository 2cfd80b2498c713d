namespace TechCourse.Admin.Features.Sales;

public sealed record CourseSales(int CourseId, string Title, string? InstructorEmail, long Enrollments, decimal GrossRevenue);

public sealed record InstructorSales(Guid? InstructorId, string? InstructorEmail, long Courses, long Enrollments, decimal GrossRevenue);

public sealed record DaySales(DateOnly Day, long Enrollments, decimal GrossRevenue, DateOnly PreviousDay, long PreviousEnrollments, decimal PreviousRevenue)
{
    public decimal? RevenueChangePercent => PreviousRevenue == 0 ? null : Math.Round((GrossRevenue - PreviousRevenue) / PreviousRevenue * 100, 1);
}

/// The by-day figures a prerendered page hands to its interactive render.
public sealed record PrerenderedDays(SalesRange Range, Guid? InstructorId, IReadOnlyList<DaySales> Days);

public sealed record SalesTotals(long Enrollments, decimal GrossRevenue)
{
    public static SalesTotals Of<T>(IEnumerable<T> rows, Func<T, long> enrollments, Func<T, decimal> revenue)
    {
        long count = 0;
        decimal sum = 0;
        foreach (var row in rows)
        {
            count += enrollments(row);
            sum += revenue(row);
        }
        return new SalesTotals(count, sum);
    }
}

/// A calendar date range (both ends included) in an IANA time zone; Instructor scopes limit every report to their courses.
public sealed record SalesRange(DateOnly From, DateOnly To, string TimeZone)
{
    public int Days => To.DayNumber - From.DayNumber + 1;
    public DateOnly PreviousFrom => From.AddDays(-Days);
    public DateOnly PreviousTo => From.AddDays(-1);

    public string? Problem() =>
        To < From ? "The end of the range is before its start."
        : Days > 3 * 366 ? "Choose a range of at most three years."
        : !SalesTimeZones.IsKnown(TimeZone) ? $"'{TimeZone}' is not an IANA time zone."
        : null;
}

public sealed record SalesScope(Guid? InstructorId)
{
    public static SalesScope All { get; } = new((Guid?)null);

    public static SalesScope For(Infrastructure.Auth.Actor actor) =>
        actor.Role == Infrastructure.Auth.StaffRoles.Instructor ? new SalesScope(actor.UserId) : All;
}
