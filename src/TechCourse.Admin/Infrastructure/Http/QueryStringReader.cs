using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace TechCourse.Admin.Infrastructure.Http;

// Reads a query string and collects every problem: an export refuses the request with one clear message before it writes
// anything; a page drops what it cannot use and shows the rest. A missing or empty value is null; a value given twice,
// malformed or out of range is a problem (and null).
public sealed class QueryStringReader(IReadOnlyDictionary<string, StringValues> query)
{
    // The first and last days whose start and end are instants in every time zone (offsets up to ±14 hours).
    public static readonly DateOnly FirstZonedDay = new(1, 1, 2), LastZonedDay = new(9999, 12, 30);

    private readonly List<string> problems = [];

    public QueryStringReader(IQueryCollection query) : this(query.ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase))
    {
    }

    public string? Problem => problems.Count == 0 ? null : string.Join(" ", problems);

    public void Refuse(string problem) => problems.Add(problem);

    public string? Raw(string key)
    {
        if (!query.TryGetValue(key, out var values) || StringValues.IsNullOrEmpty(values)) return null;
        if (values.Count > 1)
        {
            problems.Add($"Give {key} once.");
            return null;
        }
        return values.ToString();
    }

    // Free text (a search): at most maxLength characters and no control characters (a NUL cannot even reach the database).
    public string? Text(string key, int maxLength) =>
        Read(key, v => v.Length <= maxLength && !v.Any(char.IsControl) ? v : null,
            $"{key} must be at most {maxLength.ToString(CultureInfo.InvariantCulture)} characters, without control characters.");

    public int? Id(string key) =>
        Read<int?>(key, v => int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id : null, $"{key} must be a number like 42.");

    public int? Int(string key, int min, int max) =>
        Read<int?>(key, v => int.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max ? n : null,
            $"{key} must be a whole number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}.");

    public decimal? Decimal(string key, decimal min, decimal max) =>
        Read<decimal?>(key, v => decimal.TryParse(v, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max ? n : null,
            $"{key} must be a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}.");

    public Guid? Guid(string key) =>
        Read<Guid?>(key, v => System.Guid.TryParseExact(v, "D", out var id) ? id : null, $"{key} must be an id like 3f2504e0-4f89-11d3-9a0c-0305e82c3301.");

    // A calendar day between min and max (by default every day whose midnight is an instant in any time zone).
    public DateOnly? Day(string key, DateOnly? min = null, DateOnly? max = null)
    {
        var (first, last) = (min ?? FirstZonedDay, max ?? LastZonedDay);
        return Read<DateOnly?>(key,
            v => DateOnly.TryParseExact(v, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) && day >= first && day <= last ? day : null,
            $"{key} must be a day from {first:yyyy-MM-dd} to {last:yyyy-MM-dd}, like 2026-11-24.");
    }

    // An ISO-8601 instant with its offset (2026-11-24T00:00:00+01:00 or …Z).
    public DateTimeOffset? Instant(string key) =>
        Read<DateTimeOffset?>(key, v => HasOffset(v) && DateTimeOffset.TryParse(v, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at : null,
            $"{key} must be an instant with its offset, like 2026-11-24T00:00:00Z, between the years 0001 and 9999.");

    public bool? Bool(string key) => Read<bool?>(key, v => bool.TryParse(v, out var flag) ? flag : null, $"{key} must be true or false.");

    public string? OneOf(string key, IReadOnlyCollection<string> allowed) =>
        Read(key, v => allowed.Contains(v, StringComparer.Ordinal) ? v : null, $"{key} must be one of {string.Join(", ", allowed)}.");

    // An IANA (or system) time zone id; nothing that looks like a path reaches the zone database.
    public string? TimeZone(string key) =>
        Read(key, v => v.Length <= 64 && !v.Contains("..", StringComparison.Ordinal) && v.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '_' or '-' or '+')
                       && TimeZoneInfo.TryFindSystemTimeZoneById(v, out _) ? v : null,
            $"{key} must be a time zone like Europe/Paris or UTC.");

    // The parsed value of key (null when absent), or null and a problem when parse refuses it.
    private T? Read<T>(string key, Func<string, T?> parse, string problem)
    {
        if (Raw(key) is not { } value) return default;
        var parsed = parse(value);
        if (parsed is null) problems.Add(problem);
        return parsed;
    }

    private static bool HasOffset(string value) => value.EndsWith('Z') || value.EndsWith('z') || value.Length > 6 && value[^6] is '+' or '-' && value[^3] == ':';
}
