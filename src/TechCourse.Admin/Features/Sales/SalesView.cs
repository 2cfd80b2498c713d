namespace TechCourse.Admin.Features.Sales;

/// Search and sort of course rows, shared by the page and the CSV export so the file holds exactly what is shown.
public static class SalesView
{
    public static readonly IReadOnlyList<string> SortColumns = ["revenue", "enrollments", "course", "instructor"];

    public static IReadOnlyList<CourseSales> Apply(IEnumerable<CourseSales> rows, string? search, string? sort, bool descending)
    {
        var term = search?.Trim();
        var matching = string.IsNullOrEmpty(term) ? rows : rows.Where(r =>
            r.Title.Contains(term, StringComparison.OrdinalIgnoreCase) || (r.InstructorEmail?.Contains(term, StringComparison.OrdinalIgnoreCase) ?? false));
        IOrderedEnumerable<CourseSales> ordered = sort switch
        {
            "course" => descending ? matching.OrderByDescending(r => r.Title, StringComparer.OrdinalIgnoreCase) : matching.OrderBy(r => r.Title, StringComparer.OrdinalIgnoreCase),
            "instructor" => descending ? matching.OrderByDescending(r => r.InstructorEmail ?? "", StringComparer.OrdinalIgnoreCase) : matching.OrderBy(r => r.InstructorEmail ?? "", StringComparer.OrdinalIgnoreCase),
            "enrollments" => descending ? matching.OrderByDescending(r => r.Enrollments) : matching.OrderBy(r => r.Enrollments),
            _ => descending ? matching.OrderByDescending(r => r.GrossRevenue) : matching.OrderBy(r => r.GrossRevenue),
        };
        return ordered.ThenBy(r => r.CourseId).ToList();
    }
}
