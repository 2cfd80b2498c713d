using System.Diagnostics;

namespace TechCourse.Admin.Bench;

/// Milliseconds of the measured runs (warm-up runs never get here).
public sealed record Stats(int Runs, double Median, double P95)
{
    public static Stats Of(IReadOnlyCollection<double> samples)
    {
        if (samples.Count == 0) throw new InvalidOperationException("No samples.");
        var sorted = samples.Order().ToArray();
        return new Stats(sorted.Length, Percentile(sorted, 0.50), Percentile(sorted, 0.95));
    }

    // Nearest-rank percentile: always a value that was measured.
    private static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    public static async Task<double> TimeAsync(Func<Task> action)
    {
        var start = Stopwatch.GetTimestamp();
        await action();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }
}
