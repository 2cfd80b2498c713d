using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace TechCourse.Admin.Infrastructure.Http;

/// Reads a query string and collects every problem: an export refuses the request with one clear message before it writes
/// anything; a page drops what it cannot use and shows the rest. A missing or empty value is null; a value given twice,
/// malformed or out of range is a problem (and null).
public sealed class QueryStringReader(IReadOnlyDictionary<string, StringValues> query)
{
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

    /// Free text (a search): at most maxLength characters and no control characters (a NUL cannot even reach the database).
    public string? Text(string key, int maxLength)
    {
        var value = Raw(key);
        if (value is null) return null;
        if (value.Length > maxLength) return Fail<string>($"{key} is longer than {maxLength} characters.");
        return value.Any(char.IsControl) ? Fail<string>($"{key} cannot contain control characters.") : value;
    }

    public int? Id(string key)
    {
        var value = Raw(key);
        if (value is null) return null;
        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id : Fail<int?>($"{key} must be a number like 42.");
    }

    public int? Int(string key, int min, int max)
    {
        var value = Raw(key);
        if (value is null) return null;
        return int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max
            ? number
            : Fail<int?>($"{key} must be a whole number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}.");
    }

    public Guid? Guid(string key)
    {
        var value = Raw(key);
        if (value is null) return null;
        return System.Guid.TryParseExact(value, "D", out var id) ? id : Fail<Guid?>($"{key} must be an id like 3f2504e0-4f89-11d3-9a0c-0305e82c3301.");
    }

    /// A calendar day between min and max (by default every day whose midnight is an instant in any time zone).
    public DateOnly? Day(string key, DateOnly? min = null, DateOnly? max = null)
    {
        var value = Raw(key);
        if (value is null) return null;
        if (!DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)) return Fail<DateOnly?>($"{key} must be a date like 2026-11-24.");
        var (first, last) = (min ?? FirstZonedDay, max ?? LastZonedDay);
        return day >= first && day <= last ? day : Fail<DateOnly?>($"{key} must be a day from {first:yyyy-MM-dd} to {last:yyyy-MM-dd}.");
    }

    /// The first and last days whose start and end are instants in every time zone (offsets up to ±14 hours).
    public static readonly DateOnly FirstZonedDay = new(1, 1, 2), LastZonedDay = new(9999, 12, 30);

    public decimal? Decimal(string key, decimal min, decimal max)
    {
        var value = Raw(key);
        if (value is null) return null;
        return decimal.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max
            ? number
            : Fail<decimal?>($"{key} must be a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}.");
    }

    public string? TimeZone(string key)
    {
        var value = Raw(key);
        if (value is null) return null;
        var plausible = value.Length <= 64 && !value.Contains("..", StringComparison.Ordinal) && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '_' or '-' or '+');
        return plausible && TimeZoneInfo.TryFindSystemTimeZoneById(value, out _) ? value : Fail<string>($"{key} must be a time zone like Europe/Paris or UTC.");
    }

    /// An ISO-8601 instant with its offset (2026-11-24T00:00:00+01:00 or …Z).
    public DateTimeOffset? Instant(string key)
    {
        var value = Raw(key);
        if (value is null) return null;
        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var instant) && HasOffset(value)
            ? instant
            : Fail<DateTimeOffset?>($"{key} must be an instant with its offset, like 2026-11-24T00:00:00Z, between the years 0001 and 9999.");
    }

    public bool? Bool(string key)
    {
        var value = Raw(key);
        if (value is null) return null;
        return bool.TryParse(value, out var flag) ? flag : Fail<bool?>($"{key} must be true or false.");
    }

    public string? OneOf(string key, IReadOnlyCollection<string> allowed)
    {
        var value = Raw(key);
        if (value is null) return null;
        return allowed.Contains(value, StringComparer.Ordinal) ? value : Fail<string>($"{key} must be one of {string.Join(", ", allowed)}.");
    }

    private static bool HasOffset(string value) => value.EndsWith('Z') || value.EndsWith('z') || value.Length > 6 && value[^6] is '+' or '-' && value[^3] == ':';

    private T? Fail<T>(string problem)
    {
        problems.Add(problem);
        return default;
    }
}
