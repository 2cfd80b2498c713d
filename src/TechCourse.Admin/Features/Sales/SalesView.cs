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
        Func<CourseSales, object> key = sort switch
        {
            "course" => r => r.Title,
            "instructor" => r => r.InstructorEmail ?? "",
            "enrollments" => r => r.Enrollments,
            _ => r => r.GrossRevenue,
        };
        var ordered = descending ? matching.OrderByDescending(key, Comparer<object>.Default) : matching.OrderBy(key, Comparer<object>.Default);
        return ordered.ThenBy(r => r.CourseId).ToList();
    }
}
