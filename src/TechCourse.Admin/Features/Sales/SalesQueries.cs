using Dapper;
using Npgsql;
using TechCourse.Admin.Infrastructure.Database;

namespace TechCourse.Admin.Features.Sales;

public sealed class SalesQueries(NpgsqlDataSource dataSource)
{
    // Instructors' emails are looked up once per instructor (about one per five courses), not once per course.
    private const string Instructors = """
        instructors AS MATERIALIZED (
            SELECT u.user_id, u.email FROM (SELECT DISTINCT instructor_id FROM courses WHERE @instructor::uuid IS NULL OR instructor_id = @instructor) i
            JOIN users u ON u.user_id = i.instructor_id)
        """;

    public const string ByCourseSql = $"""
        WITH {Instructors}
        SELECT t.course_id, c.title, i.email AS instructor_email, t.enrollments, t.gross_revenue
        FROM course_sales_totals t
        JOIN courses c ON c.course_id = t.course_id
        LEFT JOIN instructors i ON i.user_id = c.instructor_id
        WHERE (@instructor::uuid IS NULL OR c.instructor_id = @instructor)
        ORDER BY t.gross_revenue DESC, c.title, t.course_id
        """;

    // One page of the figures per course (source: all time, or a range), with the count and totals of every matched
    // course in the same statement (the totals row comes back even when the page is empty). Titles and emails sort case-insensitively by code point
    // (upper, then "C"), as SalesView's OrdinalIgnoreCase does for the export; ties by title, then course id. The outer
    // ORDER BY reads the page's columns (the totals row has none of those names).
    private static string ByCoursePageSql(string source, string sort, bool descending, bool searching)
    {
        var direction = descending ? "DESC" : "ASC";
        var order = sort switch
        {
            "course" => $"""upper(title) COLLATE "C" {direction}, course_id""",
            "instructor" => $"""upper(coalesce(instructor_email, '')) COLLATE "C" {direction}, upper(title) COLLATE "C", course_id""",
            "enrollments" => $"""enrollments {direction}, upper(title) COLLATE "C", course_id""",
            _ => $"""gross_revenue {direction}, upper(title) COLLATE "C", course_id""",
        };
        const string Totals = """
            totals AS (
                SELECT count(*) AS matched_count, coalesce(sum(enrollments), 0)::bigint AS total_enrollments, coalesce(sum(gross_revenue), 0) AS total_revenue
                FROM matched)
            """;
        if (!searching && sort is "revenue" or "enrollments")
        {
            // By a figure, unsearched: the page lies among the courses whose figure is at least (descending) the
            // (offset + limit)th one, ties included — a bounded sort of one number per course. Only those few read their
            // course row (an index lookup each; OFFSET 0 keeps the planner from hashing all 10,000 courses) and the
            // page's rows their instructor's email.
            var key = sort == "enrollments" ? "enrollments" : "gross_revenue";
            var within = descending ? ">=" : "<=";
            return $"""
                WITH matched AS MATERIALIZED (
                    SELECT t.course_id, t.enrollments, t.gross_revenue FROM {source} t
                    WHERE @instructor::uuid IS NULL OR t.course_id IN (SELECT course_id FROM courses WHERE instructor_id = @instructor)),
                {Totals},
                cutoff AS (SELECT {key} FROM matched ORDER BY {key} {direction} LIMIT 1 OFFSET @offset + @limit - 1),
                page AS (
                    SELECT m.course_id, c.title, c.instructor_id, m.enrollments, m.gross_revenue
                    FROM matched m
                    CROSS JOIN LATERAL (SELECT title, instructor_id FROM courses WHERE course_id = m.course_id OFFSET 0) c
                    WHERE NOT EXISTS (SELECT FROM cutoff) OR m.{key} {within} (SELECT {key} FROM cutoff)
                    ORDER BY {order} LIMIT @limit OFFSET @offset)
                SELECT totals.matched_count, totals.total_enrollments, totals.total_revenue,
                       p.course_id, p.title, (SELECT u.email FROM users u WHERE u.user_id = p.instructor_id) AS instructor_email, p.enrollments, p.gross_revenue
                FROM totals LEFT JOIN page p ON true
                ORDER BY {order}
                """;
        }
        // A search, or a sort by title or email: every matched course's title (and email) is read. Emails, when the search or
        // the sort needs them, come from the staff index (an index-only scan of about 2,000 users, hashed once); an
        // instructor who is no longer staff is looked up on their own.
        var withEmail = searching || sort == "instructor";
        var email = withEmail ? "coalesce(s.email, (SELECT u.email FROM users u WHERE u.user_id = c.instructor_id))" : "NULL::varchar";
        var joinStaff = withEmail ? "LEFT JOIN (SELECT user_id, email FROM users WHERE role <> 'Student') s ON s.user_id = c.instructor_id" : "";
        var search = searching ? $"AND (c.title ILIKE @pattern OR {email} ILIKE @pattern)" : "";
        var pageEmail = withEmail ? "p.instructor_email" : "(SELECT u.email FROM users u WHERE u.user_id = p.instructor_id)";
        return $"""
            WITH matched AS MATERIALIZED (
                SELECT t.course_id, c.title, c.instructor_id, {email} AS instructor_email, t.enrollments, t.gross_revenue
                FROM {source} t
                JOIN courses c ON c.course_id = t.course_id
                {joinStaff}
                WHERE (@instructor::uuid IS NULL OR c.instructor_id = @instructor) {search}),
            {Totals},
            page AS (
                SELECT * FROM matched ORDER BY {order} LIMIT @limit OFFSET @offset)
            SELECT totals.matched_count, totals.total_enrollments, totals.total_revenue,
                   p.course_id, p.title, {pageEmail} AS instructor_email, p.enrollments, p.gross_revenue
            FROM totals LEFT JOIN page p ON true
            ORDER BY {order}
            """;
    }

    // All sales: the running totals per UTC quarter hour. One instructor's sales: their few courses' enrollments.
    // Two statements rather than one with both branches, so neither is planned for the other's case.
    public const string ByDayAllSql = """
        SELECT day, enrollments, gross_revenue FROM sales_by_local_day(@zone, @from::date, @to::date) ORDER BY day
        """;

    public const string ByDayInstructorSql = """
        SELECT g::date AS day, coalesce(x.enrollments, 0) AS enrollments, coalesce(x.gross_revenue, 0) AS gross_revenue
        FROM generate_series(@from::timestamp, @to::timestamp, interval '1 day') g
        LEFT JOIN (SELECT (e.enrolled_at AT TIME ZONE @zone)::date AS day, count(*) AS enrollments, sum(e.amount_paid) AS gross_revenue
                   FROM enrollments e
                   WHERE e.course_id IN (SELECT course_id FROM courses WHERE instructor_id = @instructor)
                     AND e.enrolled_at >= (@from::timestamp AT TIME ZONE @zone) AND e.enrolled_at < ((@to::timestamp + interval '1 day') AT TIME ZONE @zone)
                   GROUP BY 1) x ON x.day = g::date
        ORDER BY 1
        """;

    // Per course over the range's instants: whole UTC days from the per-course month rollup, the ends from enrollments.
    private const string InRange = """
        sales_courses_in_range(@from::timestamp AT TIME ZONE @zone, (@to::timestamp + interval '1 day') AT TIME ZONE @zone,
                               CASE WHEN @instructor::uuid IS NOT NULL THEN ARRAY(SELECT course_id FROM courses WHERE instructor_id = @instructor) END)
        """;

    public const string CoursesInRangeSql = $"""
        WITH {Instructors}
        SELECT r.course_id, c.title, i.email AS instructor_email, r.enrollments, r.gross_revenue
        FROM {InRange} r
        JOIN courses c ON c.course_id = r.course_id
        LEFT JOIN instructors i ON i.user_id = c.instructor_id
        ORDER BY r.gross_revenue DESC, c.title, r.course_id
        """;

    public const string InstructorsInRangeSql = $"""
        SELECT t.instructor_id, u.email AS instructor_email, t.courses, t.enrollments, t.gross_revenue
        FROM (SELECT c.instructor_id, count(*) AS courses, sum(r.enrollments)::bigint AS enrollments, sum(r.gross_revenue) AS gross_revenue
              FROM {InRange} r JOIN courses c ON c.course_id = r.course_id
              GROUP BY c.instructor_id) t
        LEFT JOIN users u ON u.user_id = t.instructor_id
        ORDER BY t.gross_revenue DESC, u.email
        """;

    private static DateTime At(DateOnly day) => day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);

    public async Task<IReadOnlyList<CourseSales>> ByCourseAsync(SalesScope scope, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<CourseSales>(new CommandDefinition(ByCourseSql, new { instructor = scope.InstructorId }, cancellationToken: ct))).AsList();
    }

    public Task<CourseSalesPage> ByCoursePageAsync(SalesScope scope, CourseSalesPageRequest request, CancellationToken ct) =>
        PageAsync("course_sales_totals", new { instructor = scope.InstructorId }, request, ct);

    public Task<CourseSalesPage> CoursesInRangePageAsync(SalesRange range, SalesScope scope, CourseSalesPageRequest request, CancellationToken ct) =>
        PageAsync(InRange, new { zone = range.TimeZone, from = At(range.From), to = At(range.To), instructor = scope.InstructorId }, request, ct);

    private async Task<CourseSalesPage> PageAsync(string source, object arguments, CourseSalesPageRequest request, CancellationToken ct)
    {
        if (request.Problem() is { } problem) throw new ArgumentException(problem, nameof(request));
        var term = request.Search?.Trim() ?? "";
        // PostgreSQL text cannot hold NUL, and no title or email contains one: such a search matches nothing.
        if (term.Contains('\0', StringComparison.Ordinal)) return new CourseSalesPage([], 0, new SalesTotals(0, 0));
        var parameters = new DynamicParameters(arguments);
        parameters.AddDynamicParams(new { pattern = Like.Contains(term), limit = request.Limit, offset = request.Offset });
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = (await connection.QueryAsync<CourseSalesPageRow>(new CommandDefinition(
            ByCoursePageSql(source, request.Sort, request.Descending, term.Length > 0), parameters, cancellationToken: ct))).AsList();
        var first = rows[0];
        return new CourseSalesPage(
            rows.Where(r => r.CourseId is not null).Select(r => new CourseSales(r.CourseId!.Value, r.Title!, r.InstructorEmail, r.Enrollments!.Value, r.GrossRevenue!.Value)).ToList(),
            first.MatchedCount, new SalesTotals(first.TotalEnrollments, first.TotalRevenue));
    }

    private sealed record CourseSalesPageRow(long MatchedCount, long TotalEnrollments, decimal TotalRevenue,
        int? CourseId, string? Title, string? InstructorEmail, long? Enrollments, decimal? GrossRevenue);

    // Each day of the range beside the same weekday-aligned day of the previous period of equal length; zero days included.
    public async Task<IReadOnlyList<DaySales>> ByDayAsync(SalesRange range, SalesScope scope, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = (await connection.QueryAsync<(DateTime Day, long Enrollments, decimal GrossRevenue)>(new CommandDefinition(
            scope.InstructorId is null ? ByDayAllSql : ByDayInstructorSql,
            new { zone = range.TimeZone, from = At(range.PreviousFrom), to = At(range.To), instructor = scope.InstructorId }, cancellationToken: ct))).AsList();
        var previous = rows.Take(range.Days).ToList();
        return rows.Skip(range.Days)
            .Select((row, i) => new DaySales(DateOnly.FromDateTime(row.Day), row.Enrollments, row.GrossRevenue,
                DateOnly.FromDateTime(previous[i].Day), previous[i].Enrollments, previous[i].GrossRevenue))
            .ToList();
    }

    public async Task<IReadOnlyList<CourseSales>> CoursesInRangeAsync(SalesRange range, SalesScope scope, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<CourseSales>(new CommandDefinition(CoursesInRangeSql,
            new { zone = range.TimeZone, from = At(range.From), to = At(range.To), instructor = scope.InstructorId }, cancellationToken: ct))).AsList();
    }

    public async Task<IReadOnlyList<InstructorSales>> InstructorsInRangeAsync(SalesRange range, SalesScope scope, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<InstructorSales>(new CommandDefinition(InstructorsInRangeSql,
            new { zone = range.TimeZone, from = At(range.From), to = At(range.To), instructor = scope.InstructorId }, cancellationToken: ct))).AsList();
    }
}
