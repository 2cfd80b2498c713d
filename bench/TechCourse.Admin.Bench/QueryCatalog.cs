using TechCourse.Admin.Features.Dashboard;

namespace TechCourse.Admin.Bench;

/// Every query a page runs, with the app's SQL copied verbatim for the raw side. Add an entry per query.
public static class QueryCatalog
{
    private static Args NoArgs(Sample sample, int i) => [];

    public static IReadOnlyList<QueryEntry> All { get; } =
    [
        new("dashboard figures", """
            SELECT
                (SELECT count(*) FROM users WHERE role = 'Student')     AS students,
                (SELECT count(*) FROM users WHERE role = 'Instructor')  AS instructors,
                (SELECT count(*) FROM courses)                          AS courses,
                (SELECT count(*) FROM courses WHERE is_published)       AS published_courses,
                e.enrollments,
                e.gross_revenue
            FROM (SELECT count(*) AS enrollments, coalesce(sum(amount_paid), 0) AS gross_revenue FROM enrollments) e
            """,
            NoArgs,
            (c, a, ct) => new DashboardQueries(c.DataSource).FiguresAsync(ct)),
    ];
}
