namespace TechCourse.Admin.Features.Sales;

// Search and sort of course rows for the CSV exports; SalesQueries.ByCoursePageAsync and CoursesInRangePageAsync sort and
// search the grids' pages the same way in SQL, so a file holds exactly what is shown.
public static class SalesView
{
    public static readonly IReadOnlyList<string> SortColumns = ["revenue", "enrollments", "course", "instructor"];

    public static IReadOnlyList<CourseSales> Apply(IEnumerable<CourseSales> rows, string? search, string? sort, bool descending)
    {
        var term = search?.Trim();
        var matching = string.IsNullOrEmpty(term) ? rows : rows.Where(r =>
            r.Title.Contains(term, StringComparison.OrdinalIgnoreCase) || (r.InstructorEmail?.Contains(term, StringComparison.OrdinalIgnoreCase) ?? false));
        if (sort == "course")
            return (descending ? matching.OrderByDescending(r => r.Title, StringComparer.OrdinalIgnoreCase) : matching.OrderBy(r => r.Title, StringComparer.OrdinalIgnoreCase))
                .ThenBy(r => r.CourseId).ToList();
        IOrderedEnumerable<CourseSales> ordered = sort switch
        {
            "instructor" => descending ? matching.OrderByDescending(r => r.InstructorEmail ?? "", StringComparer.OrdinalIgnoreCase) : matching.OrderBy(r => r.InstructorEmail ?? "", StringComparer.OrdinalIgnoreCase),
            "enrollments" => descending ? matching.OrderByDescending(r => r.Enrollments) : matching.OrderBy(r => r.Enrollments),
            _ => descending ? matching.OrderByDescending(r => r.GrossRevenue) : matching.OrderBy(r => r.GrossRevenue),
        };
        // Ties by title, then course id.
        return ordered.ThenBy(r => r.Title, StringComparer.OrdinalIgnoreCase).ThenBy(r => r.CourseId).ToList();
    }
}
