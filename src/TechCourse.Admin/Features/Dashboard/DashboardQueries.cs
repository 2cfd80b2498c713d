using Dapper;
using Npgsql;

namespace TechCourse.Admin.Features.Dashboard;

public sealed record DashboardFigures(long Students, long Instructors, long Courses, long PublishedCourses, long Enrollments, decimal GrossRevenue);

public sealed class DashboardQueries(NpgsqlDataSource dataSource)
{
    public async Task<DashboardFigures> FiguresAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleAsync<DashboardFigures>(new CommandDefinition("""
            SELECT
                (SELECT coalesce(sum(users), 0)::bigint FROM user_role_counts WHERE role = 'Student')    AS students,
                (SELECT coalesce(sum(users), 0)::bigint FROM user_role_counts WHERE role = 'Instructor') AS instructors,
                c.courses, c.published_courses, e.enrollments, e.gross_revenue
            FROM (SELECT count(*) AS courses, count(*) FILTER (WHERE is_published) AS published_courses FROM courses) c,
                 sales_grand_total e
            """, cancellationToken: ct));
    }
}
