using Dapper;
using Npgsql;

namespace TechCourse.Admin.Features.Sales;

public sealed record RollupDifference(string Rollup, string Key, long? ExpectedEnrollments, long? ActualEnrollments, decimal? ExpectedAmount, decimal? ActualAmount)
{
    public override string ToString() =>
        $"{Rollup} {Key}: expected {ExpectedEnrollments?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"} / {ExpectedAmount?.ToString("F2", System.Globalization.CultureInfo.InvariantCulture) ?? "none"}, " +
        $"rollup has {ActualEnrollments?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"} / {ActualAmount?.ToString("F2", System.Globalization.CultureInfo.InvariantCulture) ?? "none"}";
}

/// Maintenance of the sales rollups (run as the schema owner: the CLI's migrations connection).
public static class SalesRollups
{
    public static async Task RebuildAsync(NpgsqlConnection connection, CancellationToken ct) =>
        await connection.ExecuteAsync(new CommandDefinition("SELECT sales_rollups_rebuild()", commandTimeout: 0, cancellationToken: ct));

    public static async Task<IReadOnlyList<RollupDifference>> VerifyAsync(NpgsqlConnection connection, CancellationToken ct) =>
        (await connection.QueryAsync<RollupDifference>(new CommandDefinition(
            "SELECT rollup, key, expected_enrollments, actual_enrollments, expected_amount, actual_amount FROM sales_rollups_differences()",
            commandTimeout: 0, cancellationToken: ct))).AsList();
}
