using System.Globalization;

namespace TechCourse.Admin.Infrastructure.Time;

// Which of the two instants a wall-clock time that happens twice (the hour the clocks go back) means.
public enum RepeatedTime { Ask, Earlier, Later }

// A wall-clock time in a zone, resolved to an instant: exactly one, none (it falls in the hour the clocks skip), or two.
public abstract record LocalResolution
{
    public sealed record Exact(DateTimeOffset Instant) : LocalResolution;

    // The clocks jump from GapStart to GapEnd (local times); Next is the first instant after the gap.
    public sealed record Skipped(DateTime Local, DateTime GapStart, DateTime GapEnd, DateTimeOffset Next, string Zone) : LocalResolution
    {
        public string Message => $"{LocalTimes.Format(Local)} does not exist in {Zone}: on {Local.ToString("d MMMM yyyy", LocalTimes.Us)} the clocks " +
                                 $"go forward from {GapStart.ToString("HH:mm", LocalTimes.Us)} to {GapEnd.ToString("HH:mm", LocalTimes.Us)}. " +
                                 $"Pick another time, e.g. {GapEnd.ToString("HH:mm", LocalTimes.Us)}.";
    }

    public sealed record Twice(DateTime Local, DateTimeOffset Earlier, DateTimeOffset Later, string Zone) : LocalResolution
    {
        public string Message => $"{LocalTimes.Format(Local)} happens twice in {Zone} (the clocks go back that night): " +
                                 $"the first time at UTC{LocalTimes.Offset(Earlier)}, the second at UTC{LocalTimes.Offset(Later)}. Say which one you mean.";
    }
}

// Wall-clock times picked in a viewer's zone, to instants: the start and end of a campaign are stored as timestamptz,
// and a time that does not exist or exists twice at a DST change is never silently moved.
public static class LocalTimes
{
    internal static readonly CultureInfo Us = CultureInfo.GetCultureInfo("en-US");

    public static LocalResolution Resolve(DateTime local, TimeZoneInfo zone)
    {
        local = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        if (zone.IsInvalidTime(local))
        {
            // The instant the wall clock would show `local` under the offset before the gap lies just after it.
            var before = zone.GetUtcOffset(local.AddHours(-6));
            var after = zone.GetUtcOffset(local.AddHours(6));
            var transition = Transition(zone, new DateTimeOffset(local - before, TimeSpan.Zero).AddHours(-6), new DateTimeOffset(local - before, TimeSpan.Zero).AddHours(6));
            return new LocalResolution.Skipped(local, (transition + before).DateTime, (transition + after).DateTime, transition, zone.Id);
        }
        if (zone.IsAmbiguousTime(local))
        {
            var instants = zone.GetAmbiguousTimeOffsets(local).Select(offset => new DateTimeOffset(local, offset)).OrderBy(i => i.UtcDateTime).ToArray();
            return new LocalResolution.Twice(local, instants[0], instants[^1], zone.Id);
        }
        return new LocalResolution.Exact(new DateTimeOffset(local, zone.GetUtcOffset(local)));
    }

    // The instant, when there is exactly one or the user said which; otherwise the message that asks.
    public static (DateTimeOffset? Instant, string? Error) Pick(DateTime local, TimeZoneInfo zone, RepeatedTime choice) => Resolve(local, zone) switch
    {
        LocalResolution.Exact exact => (exact.Instant, null),
        LocalResolution.Twice twice when choice == RepeatedTime.Earlier => (twice.Earlier, null),
        LocalResolution.Twice twice when choice == RepeatedTime.Later => (twice.Later, null),
        LocalResolution.Twice twice => (null, twice.Message),
        LocalResolution.Skipped skipped => (null, skipped.Message),
        _ => throw new InvalidOperationException("unknown resolution"),
    };

    public static string Format(DateTime local) => local.ToString("ddd d MMM yyyy HH:mm", Us);

    public static string Offset(DateTimeOffset instant) =>
        (instant.Offset < TimeSpan.Zero ? "−" : "+") + instant.Offset.Duration().ToString(@"hh\:mm", CultureInfo.InvariantCulture);

    // The first instant in (from, to] whose offset differs from from's (the zone changes its offset once in those 12 hours).
    private static DateTimeOffset Transition(TimeZoneInfo zone, DateTimeOffset from, DateTimeOffset to)
    {
        var offset = zone.GetUtcOffset(from);
        while (to - from > TimeSpan.FromSeconds(1))
        {
            var middle = from + (to - from) / 2;
            if (zone.GetUtcOffset(middle) == offset) from = middle;
            else to = middle;
        }
        // Offsets change on a whole minute, and there is none other within the last second.
        return new DateTimeOffset(to.UtcTicks - to.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);
    }
}
