using System.Globalization;
using System.Text;

namespace TechCourse.Admin.Bench;

public sealed class Results
{
    public LoadFigures? Load { get; set; }
    public List<QueryResult> Queries { get; } = [];
    public List<PageResult> Pages { get; } = [];
    public List<ExportResult> Exports { get; } = [];
    public List<WriteResult> Writes { get; } = [];
    public List<CampaignBulkResult> CampaignBulk { get; } = [];
    public List<SchedulerResult> Scheduler { get; } = [];
    public IReadOnlyList<MemoryResult> Memory { get; set; } = [];
    public IReadOnlyList<BrowserResult> Browser { get; set; } = [];
    public LiveResult? Live { get; set; }
    public List<(string Name, TimeSpan? Time, string Detail)> Maintenance { get; } = [];
}

/// The Markdown the console prints and --output writes: the same text, exactly as measured.
public static class Report
{
    public const double QueryMedianGoalMs = 20, QueryRatioGoal = 1.3, PageP95GoalMs = 100, CircuitGoalKiB = 1024, BrowserMedianGoalMs = 1000, LoadGoalSeconds = 60;
    public const double ExportRowsPerSecondGoal = 200_000, ExportGrowthGoalMiB = 64;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Render(Results results, Machine machine, BenchOptions options, string commandLine, DateTimeOffset started, TimeSpan duration)
    {
        var md = new StringBuilder();
        md.AppendLine("# TechCourse Admin benchmarks").AppendLine();
        var commit = machine.Commit is null ? "." : $" at commit `{machine.Commit}`.";
        md.AppendLine(Invariant, $"Measured {started:yyyy-MM-dd HH:mm} UTC in {duration.TotalMinutes:F1} min with `{commandLine}`{commit}").AppendLine();
        var quick = options.Quick && options.Runs < 30 ? " (**--quick: fewer runs than the 30 the goals ask for**)" : "";
        md.Append(Invariant, $"Times in milliseconds; median and p95 (nearest rank) of {options.Runs} measured runs per side after at least {Math.Max(3, options.Runs / 10)} discarded warm-up runs lasting at least {QueryRunner.WarmUpTime.TotalSeconds:0} s (pages: {PageRunner.WarmUpTime.TotalSeconds:0} s of discarded requests at 1 client, then again at 8)");
        md.AppendLine(Invariant, $"{quick}; naive versions {options.NaiveRuns} runs after one warm-up.");
        md.AppendLine("**limit** = the statements the app's call sent (captured from Npgsql in an untimed call with the same arguments) replayed raw over one warm connection " +
                      "as the runtime login, every row read; **app** = the app's own query class as a page calls it (pooled connection, Dapper, row mapping); " +
                      "the two alternate run by run with the same arguments, and the arguments change every run so no answer is reused; " +
                      "**naive** = the same answer the seed's way, same arguments.").AppendLine();

        if (results.Queries.Count > 0)
        {
            md.AppendLine("## Queries").AppendLine();
            md.AppendLine("| query | limit median | limit p95 | app median | app p95 | app/limit | naive | naive median | naive p95 | speed-up | goal (≤ 20 ms, ≤ 1.3× limit) |");
            md.AppendLine("|---|--:|--:|--:|--:|--:|---|--:|--:|--:|---|");
            foreach (var q in results.Queries)
            {
                if (q.Error is not null)
                {
                    md.AppendLine(Invariant, $"| {q.Name} | | | | | | | | | | failed: {Cell(q.Error)} |");
                    continue;
                }
                var app = q.App!;
                var goal = q.NoGoalBecause is { } because ? $"– (no goal of its own: {Cell(because)})" : Goal(app.Median <= QueryMedianGoalMs, q.Ratio <= QueryRatioGoal,
                    $"{(app.Median > QueryMedianGoalMs ? "median over 20 ms" : "")}{(app.Median > QueryMedianGoalMs && q.Ratio > QueryRatioGoal ? "; " : "")}{(q.Ratio > QueryRatioGoal ? "over 1.3× limit" : "")}");
                md.AppendLine(Invariant, $"| {q.Name} | {Ms(q.Limit!.Median)} | {Ms(q.Limit.P95)} | {Ms(app.Median)} | {Ms(app.P95)} | {q.Ratio:F2}× | " +
                                         $"{q.Naive?.Label ?? "–"} | {Ms(q.Naive?.Stats.Median)} | {Ms(q.Naive?.Stats.P95)} | {(q.SpeedUp is { } s ? s >= 10 ? $"{s:N0}×" : $"{s:F2}×" : "–")} | {goal} |");
            }
            md.AppendLine();
        }

        if (results.Pages.Count > 0)
        {
            md.AppendLine(Invariant, $"## Pages (prerendered GET as a signed-in Admin, real HTTP client; {options.Runs} requests at 1 client, {(options.Runs + 7) / 8 * 8} at 8 clients)").AppendLine();
            md.AppendLine("| page | 1 client median | 1 client p95 | 8 clients median | 8 clients p95 | goal (p95 ≤ 100 ms at 8 clients) |");
            md.AppendLine("|---|--:|--:|--:|--:|---|");
            foreach (var p in results.Pages)
                md.AppendLine(p.Error is not null
                    ? $"| {p.Name} | | | | | failed: {Cell(p.Error)} |"
                    : string.Create(Invariant, $"| {p.Name} | {Ms(p.One!.Median)} | {Ms(p.One.P95)} | {Ms(p.Eight!.Median)} | {Ms(p.Eight.P95)} | {Goal(p.Eight.P95 <= PageP95GoalMs, true, "p95 over 100 ms")} |"));
            md.AppendLine();
        }

        if (results.Exports.Count > 0)
        {
            md.AppendLine("## Exports (streamed CSV as a signed-in Admin; the body read as it arrives, the app's resident set sampled every 50 ms)").AppendLine();
            md.AppendLine("| export | rows | MiB | first byte | total | rows/s | app resident set: start → peak | goal (≥ 200,000 rows/s, peak ≤ start + 64 MiB) |");
            md.AppendLine("|---|--:|--:|--:|--:|--:|--:|---|");
            foreach (var x in results.Exports)
                md.AppendLine(x.Error is not null
                    ? $"| {x.Name} | | | | | | | failed: {Cell(x.Error)} |"
                    : string.Create(Invariant, $"| {x.Name} | {x.Rows:N0} | {x.Bytes / 1048576.0:F0} | {x.FirstByte.TotalMilliseconds:N0} ms | {x.Total.TotalSeconds:F1} s | {x.RowsPerSecond:N0} | " +
                                               $"{x.StartKiB / 1024.0:F0} → {x.PeakKiB / 1024.0:F0} MiB | " +
                                               $"{Goal(x.RowsPerSecond >= ExportRowsPerSecondGoal, (x.PeakKiB - x.StartKiB) / 1024.0 <= ExportGrowthGoalMiB, $"{(x.RowsPerSecond < ExportRowsPerSecondGoal ? "under 200,000 rows/s " : "")}{((x.PeakKiB - x.StartKiB) / 1024.0 > ExportGrowthGoalMiB ? "memory grew over 64 MiB" : "")}".Trim())} |"));
            md.AppendLine();
        }

        if (results.Writes.Count > 0)
        {
            var via = options.WriteVia is null ? "" : $", both sides through {options.WriteVia}";
            md.AppendLine(Invariant, $"## Write throughput ({WriteRunner.Workers} concurrent workers, {options.WriteSeconds} s each after {WriteRunner.WarmUpSeconds} s warm-up{via})").AppendLine();
            md.AppendLine("| write | raw statement | raw/s | app path | app/s | app/raw | goal |");
            md.AppendLine("|---|---|--:|---|--:|--:|---|");
            foreach (var w in results.Writes)
            {
                if (w.Error is not null)
                {
                    md.AppendLine($"| {w.Name} | {w.RawLabel} | | {w.AppLabel} | | | failed: {Cell(w.Error)} |");
                    continue;
                }
                var goal = w.App is null ? $"not measured (≥ {w.Goal:N0}/s)" : Goal(w.App.PerSecond >= w.Goal, true, $"under {w.Goal:N0}/s");
                md.AppendLine(Invariant, $"| {w.Name} | {w.RawLabel} | {Rate(w.Raw)} | {w.AppLabel} | {Rate(w.App)} | {(w.Ratio is { } r ? $"{r:F2}×" : "–")} | {goal} |");
            }
            md.AppendLine();
        }

        CampaignReport.Render(md, results, options);
        LiveReport.Render(md, results.Live);

        if (results.Browser.Count > 0)
        {
            md.AppendLine("## Pages in a browser (Chromium, 1440×900, signed in as the bench Admin; a fresh navigation each run)").AppendLine();
            md.AppendLine(Invariant, $"From the start of the navigation until the page's data rows are visible and its circuit is interactive (`performance.now()` in the page), after {BrowserRunner.WarmUpRuns} warm-up navigations per page.").AppendLine();
            md.AppendLine("| page | rows waited for | runs | median | p95 | goal (median ≤ 1 s) |");
            md.AppendLine("|---|---|--:|--:|--:|---|");
            foreach (var b in results.Browser)
                md.AppendLine(b.Ready is { } r
                    ? string.Create(Invariant, $"| `{b.Page.Path}` | `{Cell(b.Page.RowsSelector)}` | {r.Runs} | {r.Median:F0} ms | {r.P95:F0} ms | {Goal(r.Median <= BrowserMedianGoalMs, true, "over 1 s")} |")
                    : $"| `{b.Page.Path}` | `{Cell(b.Page.RowsSelector)}` | | | | failed: {Cell(b.Error ?? "")} |");
            md.AppendLine();
        }

        if (results.Memory.Count > 0)
        {
            var first = results.Memory[0];
            md.AppendLine("## Server memory (app process; each figure read right after a full GC induced in it)").AppendLine();
            md.AppendLine("| state | resident set | live managed heap | goal (≤ 1 MiB per circuit, live heap) |");
            md.AppendLine("|---|--:|--:|---|");
            md.AppendLine(Invariant, $"| idle (no circuit; {MemoryRunner.WarmUpCircuitsReleased.TotalSeconds:F0} s after {MemoryRunner.WarmUpCircuits} warm-up circuits per page were closed, past their retention for a reconnect) | {first.IdleKiB / 1024.0:F1} MiB | {first.IdleHeapBytes / 1048576.0:F1} MiB | |");
            foreach (var m in results.Memory)
            {
                if (m.Error is not null)
                {
                    md.AppendLine($"| {m.Circuits} circuits on `{m.Page}` | | | failed: {Cell(m.Error)} |");
                    continue;
                }
                md.AppendLine(Invariant, $"| {m.Circuits} interactive circuits on `{m.Page}` (one Chromium context each), {MemoryRunner.PageLoadConnectionsClosed.TotalSeconds:F0} s after the last opened (past Kestrel's keep-alive for the page-load connections) | {m.OpenKiB / 1024.0:F1} MiB | {m.OpenHeapBytes / 1048576.0:F1} MiB | |");
                md.AppendLine(Invariant, $"| **per circuit on `{m.Page}`** | {m.PerCircuitKiB:F0} KiB | {m.HeapPerCircuitKiB:F0} KiB | {Goal(m.HeapPerCircuitKiB <= CircuitGoalKiB, true, "over 1 MiB")} |");
            }
            md.AppendLine();
            md.AppendLine("The resident set also holds memory the GC keeps committed for reuse and native buffers; the live managed heap is what the open circuits keep alive. Between pages the circuits are closed and the next page waits past their retention, so every page is measured on the same idle base.").AppendLine();
        }

        md.AppendLine("## Load and maintenance").AppendLine();
        md.AppendLine("| step | time | detail | goal |");
        md.AppendLine("|---|--:|---|---|");
        if (results.Load is { } l)
        {
            md.AppendLine(Invariant, $"| full-scale load (generator + binary COPY + indexes + ANALYZE) | {l.Total.TotalSeconds:F1} s | {l.Users:N0} users, {l.Courses:N0} courses, {l.Enrollments:N0} enrollments " +
                                     $"({l.FirstEnrollment:yyyy-MM-dd} to {l.LastEnrollment:yyyy-MM-dd}), {l.PriceChanges:N0} price changes; copy {l.Copy.TotalSeconds:F1} s, indexes {l.Indexes.TotalSeconds:F1} s | " +
                                     $"{Goal(l.Total.TotalSeconds <= LoadGoalSeconds, true, "over 60 s")} |");
            md.AppendLine(Invariant, $"| post-load VACUUM (after the load, before any measurement; not part of the load) | {l.Vacuum.TotalSeconds:F1} s | visibility map and hint bits of the loaded tables, " +
                                     $"what autovacuum would otherwise do while the first entries are measured | |");
        }
        else
            md.AppendLine("| full-scale load | – | not measured: an existing database was given with --connection | – |");
        foreach (var (name, time, detail) in results.Maintenance)
            md.AppendLine(Invariant, $"| {name} | {(time is { } t ? $"{t.TotalSeconds:F2} s" : "–")} | {Cell(detail)} | |");
        md.AppendLine();

        md.AppendLine("## Machine").AppendLine();
        md.AppendLine(Invariant, $"- CPU: {machine.Cpu}, {machine.Cores} cores; RAM {machine.RamMiB:N0} MiB; {machine.Os}; {machine.Runtime}");
        md.AppendLine(Invariant, $"- PostgreSQL {machine.PostgresVersion} ({machine.Database}): {string.Join(", ", machine.Settings.Select(s => $"{s.Name}={s.Setting}"))}");
        md.AppendLine("- The machine is shared: other processes may have used the CPU during the run.");
        return md.ToString();
    }

    public static string Goal(bool first, bool? second, string why) => first && second != false ? "met" : $"**not met**: {why}";

    public static string Ms(double? value) => value is not { } v ? "–" : v < 10 ? v.ToString("F2", Invariant) : v < 100 ? v.ToString("F1", Invariant) : v.ToString("N0", Invariant);

    public static string Rate(Throughput? t) => t is null ? "–" : $"{t.PerSecond.ToString("N0", Invariant)}{(t.Errors > 0 ? $" ({t.Errors} errors, first: {Cell(t.FirstError ?? "")})" : "")}";

    public static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
