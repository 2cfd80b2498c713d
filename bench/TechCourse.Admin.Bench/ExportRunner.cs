using System.Diagnostics;
using System.Net;

namespace TechCourse.Admin.Bench;

/// A streamed CSV export: its address (run once, after one untimed warm-up of a small export of the same kind).
public sealed record ExportEntry(string Name, string Path, string WarmUpPath);

public sealed record ExportResult(string Name, long Rows, long Bytes, TimeSpan FirstByte, TimeSpan Total, long StartKiB, long PeakKiB, string? Error)
{
    public double RowsPerSecond => Total.TotalSeconds > 0 ? Rows / Total.TotalSeconds : 0;
}

public static class ExportCatalog
{
    public static IReadOnlyList<ExportEntry> All { get; } =
    [
        new("enrollments export, all rows", "/exports/enrollments.csv", "/exports/enrollments.csv?from=2100-01-01T00:00:00Z"),
    ];
}

/// Downloads an export as a signed-in Admin, reading the body as it arrives and counting lines; samples the app's
/// resident set every 50 ms meanwhile, so "peak" is the most the streaming held at once above where it started.
public static class ExportRunner
{
    public static async Task<ExportResult> RunAsync(AppHost app, HttpClient client, ExportEntry entry, CancellationToken ct)
    {
        try
        {
            await DownloadAsync(client, entry.WarmUpPath, _ => { }, ct);
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            var start = app.WorkingSetKiB();
            var peak = start;
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    peak = Math.Max(peak, app.WorkingSetKiB());
                    await Task.Delay(50, CancellationToken.None);
                }
            }, CancellationToken.None);
            var clock = Stopwatch.StartNew();
            TimeSpan? firstByte = null;
            var (lines, bytes) = await DownloadAsync(client, entry.Path, _ => firstByte ??= clock.Elapsed, ct);
            var total = clock.Elapsed;
            await sampling.CancelAsync();
            await sampler;
            return new ExportResult(entry.Name, lines - 1, bytes, firstByte ?? total, total, start, Math.Max(peak, app.WorkingSetKiB()), null);
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException or TaskCanceledException or IOException)
        {
            return new ExportResult(entry.Name, 0, 0, TimeSpan.Zero, TimeSpan.Zero, 0, 0, e.Message);
        }
    }

    private static async Task<(long Lines, long Bytes)> DownloadAsync(HttpClient client, string path, Action<int> onData, CancellationToken ct)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, ct);
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}.");
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[1 << 16];
        long lines = 0, bytes = 0;
        int read;
        while ((read = await body.ReadAsync(buffer, ct)) > 0)
        {
            onData(read);
            bytes += read;
            lines += buffer.AsSpan(0, read).Count((byte)'\n');
        }
        return (lines, bytes);
    }
}
