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
                (SELECT count(*) FROM users WHERE role = 'Student')     AS students,
                (SELECT count(*) FROM users WHERE role = 'Instructor')  AS instructors,
                (SELECT count(*) FROM courses)                          AS courses,
                (SELECT count(*) FROM courses WHERE is_published)       AS published_courses,
                e.enrollments,
                e.gross_revenue
            FROM (SELECT coalesce(sum(enrollments), 0)::bigint AS enrollments, coalesce(sum(revenue_cents), 0) * 0.01 AS gross_revenue FROM sales_by_day) e
            """, cancellationToken: ct));
    }
}
