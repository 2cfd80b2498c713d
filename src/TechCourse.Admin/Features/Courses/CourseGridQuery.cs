using Microsoft.Extensions.Primitives;
using TechCourse.Admin.Infrastructure.Http;

namespace TechCourse.Admin.Features.Courses;

// The grid's state as it travels in the address (a bookmark, a shared link). A value the grid cannot use — an unknown
// or numeric sort, a page that is not a number, a search with control characters — falls back to that field's default,
// so any link opens the page instead of failing; Problem says which values were set aside, for the page to tell.
public sealed record CourseGridQuery(
    string? Search = null, bool? Published = null, string? Difficulty = null, int? PassingScore = null, decimal? MinPrice = null, decimal? MaxPrice = null,
    Guid? InstructorId = null, CourseSort Sort = CourseSort.Title, bool Descending = false, int Page = 0, int? PageSize = null, string? Problem = null)
{
    public const int MaxSearchLength = 200, LastPage = 1_000_000;
    private static readonly string[] SortNames = Enum.GetNames<CourseSort>().Select(n => n.ToLowerInvariant()).ToArray();

    // PageSize: one of pageSizes, or null for the grid's default.
    public static CourseGridQuery Parse(IReadOnlyDictionary<string, StringValues> query, IReadOnlyCollection<int> pageSizes)
    {
        var reader = new QueryStringReader(query);
        var sort = CourseSort.Title;
        if (reader.Raw("sort") is { } name)
        {
            if (SortNames.Contains(name.ToLowerInvariant(), StringComparer.Ordinal)) sort = Enum.Parse<CourseSort>(name, ignoreCase: true);
            else reader.Refuse($"sort must be one of {string.Join(", ", SortNames)}.");
        }
        var size = reader.Int("size", 1, 1000);
        if (size is { } unknown && !pageSizes.Contains(unknown)) reader.Refuse($"size must be one of {string.Join(", ", pageSizes)}.");
        var parsed = new CourseGridQuery(
            Search: reader.Text("q", MaxSearchLength),
            Published: reader.Bool("published"),
            Difficulty: reader.OneOf("difficulty", CourseRules.Difficulties),
            PassingScore: reader.Int("score", 0, 100),
            MinPrice: reader.Decimal("min", 0, CourseRules.MaxPrice),
            MaxPrice: reader.Decimal("max", 0, CourseRules.MaxPrice),
            InstructorId: reader.Guid("instructor"),
            Sort: sort,
            Descending: reader.Bool("desc") ?? false,
            Page: (reader.Int("page", 1, LastPage) ?? 1) - 1,
            PageSize: size is { } s && pageSizes.Contains(s) ? s : null);
        return parsed with { Problem = reader.Problem };
    }
}
