namespace TechCourse.Admin.Features.Sales;

public sealed record CourseSales(int CourseId, string Title, string? InstructorEmail, long Enrollments, decimal GrossRevenue);

// One page of the all-time course figures: what to match (course title or instructor email, case-insensitive), how to sort.
public sealed record CourseSalesPageRequest(string? Search, string Sort, bool Descending, int Offset, int Limit)
{
    public const int MaxLimit = 100, MaxSearchLength = 200, MaxOffset = 10_000_000;

    public string? Problem() =>
        !SalesView.SortColumns.Contains(Sort) ? $"Sort by one of {string.Join(", ", SalesView.SortColumns)}."
        : Offset < 0 ? "The page cannot start before the first course."
        : Offset > MaxOffset ? "The page cannot start past the last course."
        : Limit is < 1 or > MaxLimit ? $"Show between 1 and {MaxLimit} courses per page."
        : Search?.Trim().Length > MaxSearchLength ? $"Search for at most {MaxSearchLength} characters."
        : null;
}

// The page's rows, how many courses matched and their totals (over every matched course, not only the page).
public sealed record CourseSalesPage(IReadOnlyList<CourseSales> Rows, long Matched, SalesTotals Totals);

public sealed record InstructorSales(Guid? InstructorId, string? InstructorEmail, long Courses, long Enrollments, decimal GrossRevenue);

public sealed record DaySales(DateOnly Day, long Enrollments, decimal GrossRevenue, DateOnly PreviousDay, long PreviousEnrollments, decimal PreviousRevenue)
{
    public decimal? RevenueChangePercent => PreviousRevenue == 0 ? null : Math.Round((GrossRevenue - PreviousRevenue) / PreviousRevenue * 100, 1);
}

// The by-day figures a prerendered page hands to its interactive render.
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

// A calendar date range (both ends included) in an IANA time zone; Instructor scopes limit every report to their courses.
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
