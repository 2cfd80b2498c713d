using System.Text.Json;

namespace TechCourse.Admin.Infrastructure.Database;

// How many rows the planner expects a query to return (EXPLAIN, not COUNT(*)): what big-table grids show as "about N".
public static class PlannerEstimate
{
    // The row estimate of a plan from `EXPLAIN (FORMAT JSON) …`, sent in the same round trip as the page's query.
    public static long Rows(string plan)
    {
        using var json = JsonDocument.Parse(plan);
        return (long)json.RootElement[0].GetProperty("Plan").GetProperty("Plan Rows").GetDouble();
    }
}
