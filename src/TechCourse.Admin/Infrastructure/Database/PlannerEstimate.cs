using System.Text.Json;
using Dapper;
using Npgsql;

namespace TechCourse.Admin.Infrastructure.Database;

/// How many rows the planner expects a query to return (EXPLAIN, not COUNT(*)): what big-table grids show as "about N".
public static class PlannerEstimate
{
    public static async Task<long> RowsAsync(NpgsqlConnection connection, string sql, object? args, CancellationToken ct)
    {
        var plan = await connection.ExecuteScalarAsync<string>(new CommandDefinition($"EXPLAIN (FORMAT JSON) {sql}", args, cancellationToken: ct));
        using var json = JsonDocument.Parse(plan!);
        return (long)json.RootElement[0].GetProperty("Plan").GetProperty("Plan Rows").GetDouble();
    }
}
