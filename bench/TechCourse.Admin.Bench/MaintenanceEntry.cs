using Npgsql;
using TechCourse.Admin.Features.Audit;
using TechCourse.Admin.Features.Sales;

namespace TechCourse.Admin.Bench;

/// A one-off maintenance job timed once (rollup rebuild, audit-chain verification): returns a one-line detail.
public sealed record MaintenanceEntry(string Name, Func<BenchDatabase, CancellationToken, Task<string>> Run);

public static class MaintenanceCatalog
{
    public static IReadOnlyList<MaintenanceEntry> All { get; } =
    [
        new("sales rollups rebuild", async (db, ct) =>
        {
            await using var connection = await OpenOwnerAsync(db, ct);
            await SalesRollups.RebuildAsync(connection, ct);
            return "SalesRollups.RebuildAsync: sales_course, sales_title, sales_day, sales_course_month, sales_total and sales_difficulty from all enrollments";
        }),
        new("sales rollups verify", async (db, ct) =>
        {
            await using var connection = await OpenOwnerAsync(db, ct);
            var differences = await SalesRollups.VerifyAsync(connection, ct);
            return $"SalesRollups.VerifyAsync: {differences.Count} difference(s) between the rollups (folded + deltas) and enrollments";
        }),
        new("sales rollups fold of 5,000 back-dated deltas", async (db, ct) =>
        {
            // Deltas that cancel out (an enrollment counted and uncounted on the same instant), spread over the last 400
            // days like the mixed workload: the worst case for a fold, and the rollups stay exact.
            await using var connection = await OpenOwnerAsync(db, ct);
            await using (var spread = new NpgsqlCommand("""
                INSERT INTO sales_deltas
                SELECT 1 + (i * 7919) % 10000, now() - ((i * 104729) % 34560000) * interval '1 second', s, s * 19.99
                FROM generate_series(1, 2500) i, (VALUES (1), (-1)) v(s)
                """, connection))
                await spread.ExecuteNonQueryAsync(ct);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var folded = await SalesRollups.FoldAsync(connection, ct);
            return $"SalesRollups.FoldAsync: {folded:N0} deltas in {clock.Elapsed.TotalMilliseconds:N0} ms (the row includes adding them)";
        }),
        // Sealing first also keeps the app's background sealer from doing it during the page measurements that follow.
        new("audit chain seal", async (db, ct) =>
        {
            await using var source = OwnerSource(db);
            var seal = await new AuditChain(source).SealAsync(ct, limit: null);
            return $"AuditChain.SealAsync: {seal.Sealed:N0} pending entries linked into the chain (sealed up to #{seal.SealedUpTo:N0})";
        }),
        new("audit chain verify", async (db, ct) =>
        {
            await using var source = OwnerSource(db);
            var result = await new AuditChain(source).VerifyAsync(ct);
            return $"AuditChain.VerifyAsync: every hash of {result.Checked:N0} sealed entries recomputed and linked: " +
                   (result.Intact ? "intact" : $"broken at #{result.FirstBreak!.SealSeq} ({result.FirstBreak.Problem})");
        }),
    ];

    private static NpgsqlDataSource OwnerSource(BenchDatabase db) =>
        NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(db.OwnerConnectionString) { CommandTimeout = 0 }.ConnectionString);

    private static async Task<NpgsqlConnection> OpenOwnerAsync(BenchDatabase db, CancellationToken ct)
    {
        var connection = new NpgsqlConnection(db.OwnerConnectionString);
        await connection.OpenAsync(ct);
        return connection;
    }
}
