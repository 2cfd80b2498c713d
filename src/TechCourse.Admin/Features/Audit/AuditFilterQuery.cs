using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace TechCourse.Admin.Features.Audit;

// The filter as URL query parameters (the page's address and the CSV export share them). Unknown or malformed
// values are dropped, never an error.
public static class AuditFilterQuery
{
    public const string Outside = "outside";

    public static Dictionary<string, object?> ToQuery(AuditFilter filter) => new()
    {
        ["course"] = filter.CourseId,
        ["instructor"] = filter.InstructorId,
        ["actor"] = filter.ActorId?.ToString() ?? (filter.OutsideAppOnly ? Outside : null),
        ["from"] = filter.From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["to"] = filter.To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["direction"] = filter.Direction switch { PriceDirection.Increases => "up", PriceDirection.Decreases => "down", _ => null },
        ["minpct"] = filter.MinPercent?.ToString(CultureInfo.InvariantCulture),
    };

    public static string ToQueryString(AuditFilter filter, bool withTimeZone) =>
        string.Join("&", ToQuery(filter).Where(p => p.Value is not null)
            .Select(p => $"{p.Key}={Uri.EscapeDataString(Convert.ToString(p.Value, CultureInfo.InvariantCulture)!)}")
            .Concat(withTimeZone ? [$"tz={Uri.EscapeDataString(filter.TimeZone)}"] : []));

    public static AuditFilter Parse(IReadOnlyDictionary<string, StringValues> query, string timeZone)
    {
        string? Get(string key) => query.TryGetValue(key, out var v) && !StringValues.IsNullOrEmpty(v) ? v.ToString() : null;
        var actor = Get("actor");
        var zone = Get("tz") is { } tz && TimeZoneInfo.TryFindSystemTimeZoneById(tz, out _) ? tz : timeZone;
        return new AuditFilter(
            CourseId: int.TryParse(Get("course"), NumberStyles.None, CultureInfo.InvariantCulture, out var course) ? course : null,
            InstructorId: Guid.TryParse(Get("instructor"), out var instructor) ? instructor : null,
            ActorId: Guid.TryParse(actor, out var actorId) ? actorId : null,
            OutsideAppOnly: actor == Outside,
            From: DateOnly.TryParseExact(Get("from"), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var from) ? from : null,
            To: DateOnly.TryParseExact(Get("to"), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var to) ? to : null,
            Direction: Get("direction") switch { "up" => PriceDirection.Increases, "down" => PriceDirection.Decreases, _ => PriceDirection.Any },
            MinPercent: decimal.TryParse(Get("minpct"), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var pct) && pct is >= 0 and <= 100000 ? pct : null,
            TimeZone: zone);
    }
}
