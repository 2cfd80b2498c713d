using System.Globalization;
using System.Text;

namespace TechCourse.Admin.Bench;

// The price campaigns section of the report (issue 24's targets).
public static class CampaignReport
{
    public const double BulkGoalMs = 1_000, LatenessGoalMs = 5_000, KeptGoal = 0.8;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static void Render(StringBuilder md, Results results, BenchOptions options)
    {
        if (results.CampaignBulk.Count > 0)
        {
            md.AppendLine("## Price campaigns: a bulk change of 1,000 courses").AppendLine();
            md.AppendLine(Invariant, $"Milliseconds; {options.Runs} measured runs per side after discarded warm-up runs, each run on the next 1,000 courses of the catalogue, the two sides alternating which goes first.").AppendLine();
            md.AppendLine("| entry | raw SQL | raw median | raw p95 | app path | app median | app p95 | app/raw | goal (app p95 ≤ 1 s) |");
            md.AppendLine("|---|---|--:|--:|---|--:|--:|--:|---|");
            foreach (var b in results.CampaignBulk)
                md.AppendLine(b.Error is not null
                    ? $"| {b.Name} | {Report.Cell(b.RawLabel)} | | | {Report.Cell(b.AppLabel)} | | | | failed: {Report.Cell(b.Error)} |"
                    : string.Create(Invariant, $"| {b.Name} | {Report.Cell(b.RawLabel)} | {Report.Ms(b.Raw?.Median)} | {Report.Ms(b.Raw?.P95)} | {Report.Cell(b.AppLabel)} | {Report.Ms(b.App?.Median)} | {Report.Ms(b.App?.P95)} | {(b.Ratio is { } r ? $"{r:F2}×" : "–")} | {Report.Goal(b.App!.P95 <= BulkGoalMs, true, "p95 over 1 s")} |"));
            md.AppendLine();
        }
        if (results.Scheduler.Count > 0)
        {
            var first = results.Scheduler[0];
            md.AppendLine(Invariant, $"## Price campaigns: the scheduler with {first.Courses:N0} course changes due at the same instant").AppendLine();
            md.AppendLine(Invariant, $"{first.Campaigns:N0} campaigns (one per instructor, −20 % ending .99, scheduled through CampaignsStore as the bench admin) fall due at one instant; one app instance's CampaignScheduler (default settings: {new TechCourse.Admin.Features.Campaigns.CampaignSettings().Workers} workers) runs them while {WriteRunner.Workers} workers write through the app's path for {options.WriteSeconds} s after {WriteRunner.WarmUpSeconds} s of warm-up (the instant falls 1 s into the measurement). Lateness: from the due instant to the commit of the step that changed the course, per course. The same write path alone (scheduler running, nothing due) was measured just before. Every start and end was logged exactly once (checked: 2 price changes per course).").AppendLine();
            md.AppendLine("| step | changes | campaigns run | lateness p50 | lateness p99 | last | write path beside it | alone/s | during/s | kept | goal (p99 ≤ 5 s, writes ≥ 80 %) |");
            md.AppendLine("|---|--:|--:|--:|--:|--:|---|--:|--:|--:|---|");
            foreach (var s in results.Scheduler)
            {
                if (s.Error is not null || s.Late is not { } l)
                {
                    md.AppendLine($"| {s.Step} | | | | | | | | | | failed: {Report.Cell(s.Error ?? "")} |");
                    continue;
                }
                var why = $"{(l.P99Ms > LatenessGoalMs ? "p99 over 5 s " : "")}{(s.Kept < KeptGoal ? "writes under 80 %" : "")}{(l.Missing > 0 ? $" {l.Missing} campaigns never ran" : "")}".Trim();
                md.AppendLine(Invariant, $"| {s.Step} | {l.Changes:N0} | {l.Steps:N0} | {l.P50Ms / 1000:F2} s | {l.P99Ms / 1000:F2} s | {l.MaxMs / 1000:F2} s | {s.WriteName} | {Report.Rate(s.Alone)} | {Report.Rate(s.During)} | {(s.Kept is { } k ? $"{k:P0}" : "–")} | {Report.Goal(l.P99Ms <= LatenessGoalMs && l.Missing == 0, s.Kept >= KeptGoal, why)} |");
            }
            md.AppendLine();
        }
    }
}
