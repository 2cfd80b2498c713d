using TechCourse.Admin.Features.Audit;
using TechCourse.Admin.Features.Enrollments;
using TechCourse.Admin.Features.Sales;

namespace TechCourse.Admin.Features.Home;

// A span of calendar days (both ends included) and its figures, beside one or two earlier spans to compare with.
public sealed record PeriodFigures(string Name, DateOnly From, DateOnly To, SpanTotals Current, IReadOnlyList<Comparison> Comparisons);

public sealed record SpanTotals(long Enrollments, decimal GrossRevenue)
{
    public static SpanTotals Of(IReadOnlyList<DayTotal> days, DateOnly from, DateOnly to)
    {
        long enrollments = 0;
        decimal revenue = 0;
        foreach (var day in days)
        {
            if (day.Day < from || day.Day > to) continue;
            enrollments += day.Enrollments;
            revenue += day.GrossRevenue;
        }
        return new SpanTotals(enrollments, revenue);
    }
}

public sealed record Comparison(string Name, DateOnly From, DateOnly To, SpanTotals Totals);

// Whose home page and in which zone: the instructor kind's scope.
public sealed record InstructorScope(Guid InstructorId, string Zone);

public sealed record CourseAttention(int CourseId, string Title, bool IsPublished, string? MetadataProblem);

public sealed record InstructorHomeFigures(
    string TimeZone, DateOnly Today, IReadOnlyList<PeriodFigures> Periods, IReadOnlyList<DayTotal> Last30Days,
    IReadOnlyList<CourseSales> TopCourses, IReadOnlyList<ChangeEffect> LatestPriceChanges, IReadOnlyList<CourseAttention> Attention)
{
    public bool HasNoCourses { get; init; }
}

public sealed record AccountingHomeFigures(
    string TimeZone, DateOnly Today, IReadOnlyList<PeriodFigures> Periods, IReadOnlyList<DayTotal> Last30Days,
    IReadOnlyList<CourseSales> TopCourses, IReadOnlyList<InstructorSales> TopInstructors, SalesRange ThisMonth, SalesRange LastMonth);

public sealed record PlatformCounts(long Students, long NewStudents, long NewStudentsBefore, long Instructors, long Courses, long PublishedCourses,
    long Enrollments, decimal GrossRevenue)
{
    public long Drafts => Courses - PublishedCourses;
}

public sealed record AdminHomeFigures(
    string TimeZone, DateOnly Today, PlatformCounts Counts, IReadOnlyList<PeriodFigures> Periods, IReadOnlyList<DayTotal> Last30Days, SystemHealth Health,
    IReadOnlyList<AuditEntry> RecentPriceChanges, IReadOnlyList<EnrollmentRow> RecentEnrollments);
