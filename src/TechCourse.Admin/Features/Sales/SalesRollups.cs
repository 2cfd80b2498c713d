using System.Globalization;
using Dapper;
using Npgsql;

namespace TechCourse.Admin.Features.Sales;

public sealed record RollupDifference(string Rollup, string Key, long? ExpectedEnrollments, long? ActualEnrollments, decimal? ExpectedAmount, decimal? ActualAmount)
{
    public override string ToString() =>
        $"{Rollup} {Key}: expected {ExpectedEnrollments?.ToString(CultureInfo.InvariantCulture) ?? "none"} / {ExpectedAmount?.ToString("F2", CultureInfo.InvariantCulture) ?? "none"}, " +
        $"rollup has {ActualEnrollments?.ToString(CultureInfo.InvariantCulture) ?? "none"} / {ActualAmount?.ToString("F2", CultureInfo.InvariantCulture) ?? "none"}";
}

// Maintenance of the sales rollups. Rebuild and verify run as the schema owner (the CLI's migrations connection);
// fold is also granted to the app's role, whose background service calls it every second.
public static class SalesRollups
{
    public const int FoldBatch = 50_000;

    public static async Task RebuildAsync(NpgsqlConnection connection, CancellationToken ct) =>
        await connection.ExecuteAsync(new CommandDefinition("SELECT sales_rollups_rebuild()", commandTimeout: 0, cancellationToken: ct));

    // Folds every delta committed so far (waiting for a fold already running); returns how many were folded.
    public static async Task<long> FoldAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        long folded = 0, batch;
        do
        {
            batch = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
                "SELECT sales_rollups_fold(true, @limit)", new { limit = FoldBatch }, commandTimeout: 0, cancellationToken: ct)) ?? 0;
            folded += batch;
        }
        while (batch == FoldBatch);
        return folded;
    }

    // One batch, skipped (null) when another session holds the fold lock.
    public static async Task<long?> TryFoldAsync(NpgsqlConnection connection, CancellationToken ct) =>
        await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT sales_rollups_fold(false, @limit)", new { limit = FoldBatch }, commandTimeout: 0, cancellationToken: ct));

    public static async Task<IReadOnlyList<RollupDifference>> VerifyAsync(NpgsqlConnection connection, CancellationToken ct) =>
        (await connection.QueryAsync<RollupDifference>(new CommandDefinition(
            "SELECT rollup, key, expected_enrollments, actual_enrollments, expected_amount, actual_amount FROM sales_rollups_differences()",
            commandTimeout: 0, cancellationToken: ct))).AsList();
}
