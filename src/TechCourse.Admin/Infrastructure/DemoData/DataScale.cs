namespace TechCourse.Admin.Infrastructure.DemoData;

public sealed record DataScale(int Students, int Instructors, int Courses, int Enrollments, int PriceChanges, int HistoryDays)
{
    public static DataScale Demo { get; } = new(Students: 1_000, Instructors: 8, Courses: 60, Enrollments: 5_000, PriceChanges: 180, HistoryDays: 120);

    public static DataScale Capstone { get; } = new(Students: 1_000_000, Instructors: 2_000, Courses: 10_000, Enrollments: 5_000_000, PriceChanges: 1_000_000, HistoryDays: 730);

    public IEnumerable<string> Problems()
    {
        if (Students < 1) yield return "--students must be at least 1";
        if (Instructors < 1) yield return "--instructors must be at least 1";
        if (Courses < 1) yield return "--courses must be at least 1";
        if (Enrollments < 0) yield return "--enrollments cannot be negative";
        if (PriceChanges < 0) yield return "--price-changes cannot be negative";
        if (HistoryDays < 1) yield return "--days must be at least 1";
        if ((long)Students * Math.Max(1, Courses * 7 / 10) < Enrollments)
            yield return "--enrollments is more than the students can take without buying a course twice";
    }
}

public sealed record GeneratedUser(Guid UserId, string Email, string Role, DateTimeOffset CreatedAt);

public sealed record GeneratedCourse(int CourseId, Guid InstructorId, string Title, decimal Price, bool IsPublished, string? QuizMetadata);

public readonly record struct GeneratedPriceChange(int CourseId, decimal OldPrice, decimal NewPrice, DateTimeOffset ChangedAt);

public readonly record struct GeneratedEnrollment(Guid StudentId, int CourseId, decimal AmountPaid, DateTimeOffset EnrolledAt);
