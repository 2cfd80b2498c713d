namespace TechCourse.Admin.Bench;

/// A one-off maintenance job timed once (rollup rebuild, audit-chain verification): returns a one-line detail.
public sealed record MaintenanceEntry(string Name, Func<BenchDatabase, CancellationToken, Task<string>> Run);

public static class MaintenanceCatalog
{
    public static IReadOnlyList<MaintenanceEntry> All { get; } = [];
}
