namespace TechCourse.Admin.Infrastructure.Time;

// A round that repeats every period on the clock's whole periods (every whole second), instead of a period after the
// last round ended: the rounds' own durations do not stretch the cadence, and services (and app instances) repeating
// at one period run their rounds at the same instants.
public static class Ticks
{
    public static TimeSpan UntilNext(TimeSpan period) => UntilNext(period, DateTimeOffset.UtcNow);

    public static TimeSpan UntilNext(TimeSpan period, DateTimeOffset now)
    {
        var into = now.UtcTicks % period.Ticks;
        return TimeSpan.FromTicks(period.Ticks - into);
    }
}
