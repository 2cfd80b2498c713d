using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;
using TechCourse.Admin.Features.Courses;

namespace TechCourse.Admin.Features.Campaigns;

// The courses a new campaign is for, in its page's address: ids=1,2,3 (the courses ticked in the grid), or all=true
// with the grid's own filter keys (q, published, difficulty, score, min, max, instructor) for every matching course.
public static class CourseSelectionQuery
{
    public const int MaxIds = 500;

    public static string ToQueryString(IReadOnlyCollection<int> ids) =>
        "ids=" + string.Join(",", ids.Order().Select(id => id.ToString(CultureInfo.InvariantCulture)));

    public static string ToQueryString(CourseFilter filter)
    {
        var query = new Dictionary<string, string?>
        {
            ["all"] = "true",
            ["q"] = filter.Search,
            ["published"] = filter.Published is { } p ? (p ? "true" : "false") : null,
            ["difficulty"] = filter.Difficulty,
            ["score"] = filter.PassingScore?.ToString(CultureInfo.InvariantCulture),
            ["min"] = filter.MinPrice?.ToString(CultureInfo.InvariantCulture),
            ["max"] = filter.MaxPrice?.ToString(CultureInfo.InvariantCulture),
            ["instructor"] = filter.InstructorId?.ToString(),
        };
        return QueryHelpers.AddQueryString("", query.Where(kv => kv.Value is not null)!).TrimStart('?');
    }

    // The selection the address names, or null when it names none (or nonsense).
    public static CourseSelection? Parse(string? uriQuery)
    {
        var query = QueryHelpers.ParseQuery(uriQuery);
        string? Get(string key) => query.TryGetValue(key, out var v) && !string.IsNullOrWhiteSpace(v) ? v.ToString() : null;
        if (Get("all") == "true")
        {
            var difficulty = Get("difficulty");
            return CourseSelection.Matching(new CourseFilter(
                Search: Get("q")?.Trim() is { Length: > 0 and <= 200 } q ? q : null,
                Published: Get("published") switch { "true" => true, "false" => false, _ => null },
                InstructorId: Guid.TryParse(Get("instructor"), out var instructor) ? instructor : null,
                Difficulty: CourseRules.Difficulties.Contains(difficulty) ? difficulty : null,
                PassingScore: int.TryParse(Get("score"), NumberStyles.None, CultureInfo.InvariantCulture, out var score) && score <= 100 ? score : null,
                MinPrice: Price(Get("min")),
                MaxPrice: Price(Get("max"))));
        }
        var ids = (Get("ids") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : 0).Where(id => id > 0)
            .Distinct().Take(MaxIds).ToArray();
        return ids.Length == 0 ? null : CourseSelection.Of(ids);
    }

    private static decimal? Price(string? text) =>
        decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) && value <= CourseRules.MaxPrice ? value : null;

    // What the selection is, in words, for the form's heading.
    public static string Describe(CourseSelection selection, int? matched = null)
    {
        if (selection.Filter is not { } filter)
        {
            var count = selection.CourseIds?.Count ?? 0;
            return count == 1 ? "1 selected course" : $"{count.ToString("N0", CultureInfo.GetCultureInfo("en-US"))} selected courses";
        }
        var parts = new List<string>();
        if (filter.Search is { } q) parts.Add($"title contains “{q}”");
        if (filter.Published is { } p) parts.Add(p ? "published" : "unpublished");
        if (filter.Difficulty is { } d) parts.Add($"difficulty {d}");
        if (filter.PassingScore is { } s) parts.Add($"passing score {s}");
        if (filter.MinPrice is { } min) parts.Add($"price from {CourseRules.FormatPrice(min)}");
        if (filter.MaxPrice is { } max) parts.Add($"price up to {CourseRules.FormatPrice(max)}");
        if (filter.InstructorId is not null) parts.Add("of one instructor");
        var what = matched is { } m ? $"All {m.ToString("N0", CultureInfo.GetCultureInfo("en-US"))} courses" : "All courses";
        return parts.Count == 0 ? $"{what} you can change" : $"{what} matching: {string.Join(", ", parts)}";
    }
}
