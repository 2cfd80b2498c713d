using Npgsql;
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
            return "SalesRollups.RebuildAsync: sales_by_course and sales_by_day from all enrollments";
        }),
        new("sales rollups verify", async (db, ct) =>
        {
            await using var connection = await OpenOwnerAsync(db, ct);
            var differences = await SalesRollups.VerifyAsync(connection, ct);
            return $"SalesRollups.VerifyAsync: {differences.Count} difference(s) between the rollups and enrollments";
        }),
    ];

    private static async Task<NpgsqlConnection> OpenOwnerAsync(BenchDatabase db, CancellationToken ct)
    {
        var connection = new NpgsqlConnection(db.OwnerConnectionString);
        await connection.OpenAsync(ct);
        return connection;
    }
}
