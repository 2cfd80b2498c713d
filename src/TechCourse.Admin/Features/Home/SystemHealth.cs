using System.Globalization;

namespace TechCourse.Admin.Features.Home;

public enum HealthLevel { Green, Amber, Red }

public sealed record HealthItem(string Name, string Figure, HealthLevel Level, string Thresholds, string TestId);

public sealed record SystemHealth(IReadOnlyList<HealthItem> Items)
{
    public HealthLevel Worst => Items.Count == 0 ? HealthLevel.Green : Items.Max(i => i.Level);
}

// What home_health() returns.
public sealed record HealthRow
{
    public string[]? AppliedScripts { get; init; }
    public long SealedUpTo { get; init; }
    public long Unsealed { get; init; }
    public long DeltasWaiting { get; init; }
    public DateTimeOffset? LastFoldAt { get; init; }
    public DateTimeOffset? LastVerifiedAt { get; init; }
    public bool? LastVerifiedOk { get; init; }
    public string? LastVerifiedDetail { get; init; }
    public long SignedInSessions { get; init; }
}

// The thresholds each figure is judged against; the page states them beside the figure.
public static class HealthRules
{
    public const long UnsealedAmber = 1_000, UnsealedRed = 50_000;
    public const long DeltasAmber = 10_000, DeltasRed = 100_000;
    public static readonly TimeSpan FoldAmber = TimeSpan.FromMinutes(1), FoldRed = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan VerifiedAmber = TimeSpan.FromDays(1);
    public const long SessionsAmber = 500, SessionsRed = 2_000;

    private static readonly CultureInfo Us = CultureInfo.GetCultureInfo("en-US");

    public static SystemHealth Judge(HealthRow row, IReadOnlyCollection<string> expectedScripts, DateTimeOffset now)
    {
        var missing = row.AppliedScripts is null ? 0 : expectedScripts.Except(row.AppliedScripts, StringComparer.Ordinal).Count();
        var foldAge = row.LastFoldAt is { } fold ? now - fold : (TimeSpan?)null;
        var verifiedAge = row.LastVerifiedAt is { } verified ? now - verified : (TimeSpan?)null;
        return new SystemHealth(
        [
            new("Database", row.AppliedScripts is null ? "reachable; migrations not journaled (applied without the app)"
                    : missing == 0 ? $"reachable; all {N(expectedScripts.Count)} migrations applied" : $"reachable; {N(missing)} migrations not applied",
                row.AppliedScripts is null ? HealthLevel.Amber : missing == 0 ? HealthLevel.Green : HealthLevel.Red,
                "green: every migration of this version applied; red: one missing or no answer", "health-database"),
            new("Audit chain", $"sealed up to #{N(row.SealedUpTo)}; {N(row.Unsealed)} not sealed yet",
                row.Unsealed > UnsealedRed ? HealthLevel.Red : row.Unsealed > UnsealedAmber ? HealthLevel.Amber : HealthLevel.Green,
                $"green: at most {N(UnsealedAmber)} waiting; amber: up to {N(UnsealedRed)}; red: more", "health-chain"),
            new("Last integrity verification", row.LastVerifiedAt is null ? "never run"
                    : $"{(row.LastVerifiedOk == true ? "passed" : "FAILED")} {Ago(verifiedAge!.Value)} ({row.LastVerifiedDetail})",
                row.LastVerifiedOk == false ? HealthLevel.Red : verifiedAge is null || verifiedAge > VerifiedAmber ? HealthLevel.Amber : HealthLevel.Green,
                "green: passed within 24 hours; amber: older or never; red: failed", "health-verification"),
            new("Sales rollups", $"{N(row.DeltasWaiting)} deltas waiting; last fold {(foldAge is { } age ? Ago(age) : "never")}",
                row.DeltasWaiting > DeltasRed || (row.DeltasWaiting > 0 && (foldAge is null || foldAge > FoldRed)) ? HealthLevel.Red
                : row.DeltasWaiting > DeltasAmber || (row.DeltasWaiting > 0 && foldAge > FoldAmber) ? HealthLevel.Amber : HealthLevel.Green,
                $"green: at most {N(DeltasAmber)} waiting and folded within a minute; amber: up to {N(DeltasRed)} or 10 minutes; red: more", "health-rollups"),
            new("Signed-in sessions", N(row.SignedInSessions),
                row.SignedInSessions > SessionsRed ? HealthLevel.Red : row.SignedInSessions > SessionsAmber ? HealthLevel.Amber : HealthLevel.Green,
                $"green: at most {N(SessionsAmber)}; amber: up to {N(SessionsRed)}; red: more", "health-sessions"),
        ]);
    }

    private static string N(long value) => value.ToString("N0", Us);

    private static string Ago(TimeSpan age) =>
        age < TimeSpan.FromSeconds(1) ? "just now"
        : age < TimeSpan.FromMinutes(2) ? $"{(int)age.TotalSeconds} s ago"
        : age < TimeSpan.FromHours(2) ? $"{(int)age.TotalMinutes} min ago"
        : age < TimeSpan.FromDays(2) ? $"{(int)age.TotalHours} h ago"
        : $"{(int)age.TotalDays} days ago";
}
