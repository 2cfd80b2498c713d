using Dapper;
using Npgsql;

namespace TechCourse.Admin.Bench;

// What the campaign entries share: the courses they may touch and how a run picks its block of them.
public static class CampaignBench
{
    // Courses the scheduler entry adds for itself, so the write workers measured beside it never touch them.
    public const string SchedulerCoursePrefix = "bench scheduled campaign course ";

    public static async Task<int[]> CatalogCoursesAsync(BenchDatabase database, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(database.OwnerConnectionString);
        await connection.OpenAsync(ct);
        return (await connection.QueryAsync<int>(new CommandDefinition(
            "SELECT course_id FROM courses WHERE title NOT LIKE @prefix ORDER BY course_id", new { prefix = SchedulerCoursePrefix + "%" }, cancellationToken: ct))).ToArray();
    }

    // The run's block of size courses: consecutive blocks, wrapping round the catalogue.
    public static int[] Block(int[] courses, int run, int size) =>
        Enumerable.Range(0, Math.Min(size, courses.Length)).Select(k => courses[(int)(((long)run * size + k) % courses.Length)]).ToArray();

    public static async Task<(double Raw, double App)> BothAsync(Func<Task<double>> raw, Func<Task<double>> app, bool rawFirst)
    {
        if (rawFirst)
        {
            var r = await raw();
            return (r, await app());
        }
        var a = await app();
        return (await raw(), a);
    }
}
