using System.Globalization;
using System.Text;

namespace TechCourse.Admin.Bench;

// The home pages' live updates section of the report (issue 21's load target).
public static class LiveReport
{
    public const double CpuGoal = 0.25, DelayGoalMs = 2_000;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static void Render(StringBuilder md, LiveResult? live)
    {
        if (live is null) return;
        md.AppendLine(Invariant, $"## Home pages live: {live.Pages} open while {live.Rate} price changes and {live.Rate} enrollments a second are written").AppendLine();
        if (live.Error is not null || live.Idle is not { } idle || live.Open is not { } open)
        {
            md.AppendLine($"failed: {Report.Cell(live.Error ?? "no result")}").AppendLine();
            return;
        }
        md.AppendLine(string.Create(Invariant, $"{live.InstructorPages} instructor pages (each a different instructor: {live.Instructors} scopes of the instructor kind, read together), {live.AccountingPages} accounting pages and {live.AdminPages} admin pages, one Chromium context and circuit each (1440×900, UTC)")
                                 + (live.BrowsersIdle ? "; Chromium under SCHED_IDLE (`--browsers-idle`): the pages stand in for the viewers' own machines and take only the CPU the server leaves. " : ". ")
                                 + string.Create(Invariant, $"The writes go through the app's own write paths (CoursesStore.UpdatePriceAsync and EnrollmentsQueries.EnrollAsync as the bench admin, runtime login) from the bench process, paced (one every {1000 / live.Rate} ms per kind, each fired at its instant), ")
                                 + "to the courses of the instructors whose pages are open; the app is a child process and does only what a server does with them: the listener, sealing, folding, the home reads and the circuits. "
                                 + $"The same load ran first with no page open, then with the pages open, each after {HomeLiveRunner.WarmUpSeconds} s of warm-up writes; CPU is the app process's user + system time over the pass (/proc), and the database's is the cluster's (postmaster and backends). "
                                 + "Delay: from the commit of the last write to the moment each page showed figures equal to a recomputation from `enrollments` and `price_changes` (today's revenue and enrollments; the newest price change on instructor and admin pages), stamped in the page by a MutationObserver.").AppendLine();
        md.AppendLine("| pass | pages | s | price changes/s | enrollments/s | errors | app CPU (% of one core) | database CPU (% of one core) | browsers' CPU (% of one core) | home reads (kinds, reads/kind/s, shortest interval) |");
        md.AppendLine("|---|--:|--:|--:|--:|--:|--:|--:|--:|---|");
        foreach (var (label, p) in new[] { ("no page open", idle), ("pages open", open) })
            md.AppendLine(Invariant, $"| {label} | {p.Pages} | {p.Seconds:F1} | {p.PriceChanges / p.Seconds:F1} | {p.Enrollments / p.Seconds:F1} | {p.Errors}{(p.FirstError is { } e ? $" ({Report.Cell(e)})" : "")} | {p.AppCores:P1} | {(double.IsNaN(p.DatabaseCores) ? "–" : p.DatabaseCores.ToString("P1", Invariant))} | {p.BrowserCores:P1} | {Reads(p)} |");
        md.AppendLine();
        foreach (var (label, p) in new[] { ("no page open", idle), ("pages open", open) })
            md.AppendLine(Invariant, $"App CPU by thread, {label}: {string.Join(", ", p.AppThreads.Select(t => string.Create(Invariant, $"{t.Thread} {t.Seconds:F1} s")))}.");
        md.AppendLine();
        var delays = open.DelaysMs;
        var p95 = delays.Count == 0 ? double.NaN : delays[Math.Clamp((int)Math.Ceiling(0.95 * delays.Count) - 1, 0, delays.Count - 1)];
        var max = delays.Count == 0 ? double.NaN : delays[^1];
        md.AppendLine("| measure | value | goal |");
        md.AppendLine("|---|--:|---|");
        md.AppendLine(Invariant, $"| app CPU for the live updates (pages open − no page open) | {live.LiveCores:P1} of one core | {Report.Goal(live.LiveCores < CpuGoal, true, "25 % of one core or more")} |");
        md.AppendLine(Invariant, $"| final figures shown, p95 of {delays.Count} pages | {p95:N0} ms | {Report.Goal(p95 <= DelayGoalMs && open.PagesNotFinal == 0, true, "over 2 s")} |");
        md.AppendLine(Invariant, $"| final figures shown, slowest page | {max:N0} ms | {Report.Goal(max <= DelayGoalMs && open.PagesNotFinal == 0, true, open.PagesNotFinal > 0 ? $"{open.PagesNotFinal} pages never showed them within 30 s" : "over 2 s")} |");
        md.AppendLine();
        md.AppendLine("Where the delay went, by kind (from the last write's commit): the first read of the kind to start after it, how long that read took, and the pages' delays.").AppendLine();
        md.AppendLine("| kind | first read started after | it took | pages: median | slowest |");
        md.AppendLine("|---|--:|--:|--:|--:|");
        foreach (var lag in open.Lags)
            md.AppendLine(Invariant, $"| {lag.Kind} | {Ms(lag.ReadStartedAfterMs)} | {Ms(lag.ReadTookMs)} | {lag.MedianPageMs:N0} ms | {lag.SlowestPageMs:N0} ms |");
        md.AppendLine();
    }

    private static string Ms(double? ms) => ms is { } v ? v.ToString("N0", Invariant) + " ms" : "no read";

    private static string Reads(LivePass p)
    {
        if (p.Reads == 0) return "0";
        var kinds = string.Join(", ", p.ReadsByKind.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key} {k.Value:N0}"));
        return string.Create(Invariant, $"{p.Reads:N0} ({kinds}; {p.ReadKinds} kinds, {p.Reads / (double)p.ReadKinds / p.Seconds:F2}/kind/s, shortest {p.MinReadIntervalMs:N0} ms)");
    }
}
