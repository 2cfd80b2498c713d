using System.Globalization;
using Microsoft.Extensions.Primitives;
using TechCourse.Admin.Infrastructure.Http;

namespace TechCourse.Admin.Features.Audit;

// The filter as URL query parameters (the page's address and the CSV export share them). The page drops unknown or
// malformed values and shows the rest; the export refuses them with a message (ParseStrict) before its first byte.
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

    public static AuditFilter Parse(IReadOnlyDictionary<string, StringValues> query, string timeZone) => Read(new QueryStringReader(query), timeZone);

    public static (AuditFilter? Filter, string? Problem) ParseStrict(IReadOnlyDictionary<string, StringValues> query, string timeZone)
    {
        var reader = new QueryStringReader(query);
        var filter = Read(reader, timeZone);
        if (filter is { From: { } from, To: { } to } && to < from) reader.Refuse("to is before from.");
        return reader.Problem is { } problem ? (null, problem) : (filter, null);
    }

    private static AuditFilter Read(QueryStringReader query, string timeZone)
    {
        var actor = query.Raw("actor");
        Guid? actorId = null;
        if (actor is not null && actor != Outside)
        {
            if (Guid.TryParseExact(actor, "D", out var id)) actorId = id;
            else query.Refuse($"actor must be a user id or '{Outside}'.");
        }
        var direction = query.OneOf("direction", ["up", "down"]);
        return new AuditFilter(
            CourseId: query.Id("course"),
            InstructorId: query.Guid("instructor"),
            ActorId: actorId,
            OutsideAppOnly: actor == Outside,
            From: query.Day("from"),
            To: query.Day("to"),
            Direction: direction switch { "up" => PriceDirection.Increases, "down" => PriceDirection.Decreases, _ => PriceDirection.Any },
            MinPercent: query.Decimal("minpct", 0, 100_000),
            TimeZone: query.TimeZone("tz") ?? timeZone);
    }
}
