using Dapper;
using Npgsql;
using TechCourse.Admin.Infrastructure.Auth;

namespace TechCourse.Admin.Features.Dashboard;

// OwnCoursesOnly: the figures are the viewer's own courses' (an Instructor), with no platform-wide counts (Instructors null).
public sealed record DashboardFigures(long Students, long? Instructors, long Courses, long PublishedCourses, long Enrollments, decimal GrossRevenue, bool OwnCoursesOnly);

public sealed class DashboardQueries(NpgsqlDataSource dataSource)
{
    // Admins and Accounting see the platform's figures; an Instructor only those of their own courses (the students
    // enrolled in them, their enrollments and revenue), never the platform's revenue or user counts.
    public async Task<DashboardFigures> FiguresAsync(Actor viewer, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        if (viewer.Role is StaffRoles.Admin or StaffRoles.Accounting)
            return await connection.QuerySingleAsync<DashboardFigures>(new CommandDefinition("""
                SELECT
                    (SELECT coalesce(sum(users), 0)::bigint FROM user_role_counts WHERE role = 'Student')    AS students,
                    (SELECT coalesce(sum(users), 0)::bigint FROM user_role_counts WHERE role = 'Instructor') AS instructors,
                    c.courses, c.published_courses, e.enrollments, e.gross_revenue, false AS own_courses_only
                FROM (SELECT count(*) AS courses, count(*) FILTER (WHERE is_published) AS published_courses FROM courses) c,
                     sales_grand_total e
                """, cancellationToken: ct));
        // Anyone else (an Instructor; no other role reaches the page) gets their own courses' figures: none if they have none.
        return await connection.QuerySingleAsync<DashboardFigures>(new CommandDefinition("""
            SELECT (SELECT count(DISTINCT e.student_id) FROM courses k JOIN enrollments e ON e.course_id = k.course_id WHERE k.instructor_id = @viewer) AS students,
                   NULL::bigint AS instructors,
                   count(*) AS courses, count(*) FILTER (WHERE c.is_published) AS published_courses,
                   coalesce(sum(t.enrollments), 0)::bigint AS enrollments, coalesce(sum(t.gross_revenue), 0) AS gross_revenue, true AS own_courses_only
            FROM courses c
            LEFT JOIN LATERAL (SELECT s.enrollments, s.gross_revenue FROM course_sales_totals s WHERE s.course_id = c.course_id OFFSET 0) t ON true
            WHERE c.instructor_id = @viewer
            """, new { viewer = viewer.UserId }, cancellationToken: ct));
    }
}
