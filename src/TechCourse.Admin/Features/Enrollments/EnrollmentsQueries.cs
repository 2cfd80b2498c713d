using Dapper;
using Npgsql;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Infrastructure.Database;

namespace TechCourse.Admin.Features.Enrollments;

// Admins and Accounting see every enrollment; an instructor sees those of their own courses only.
public sealed class EnrollmentsQueries(NpgsqlDataSource dataSource)
{
    public const int PageSize = 50;
    public const string AlreadyEnrolled = "This student is already enrolled in this course.";

    public static readonly IReadOnlyDictionary<string, FieldError> Constraints = new Dictionary<string, FieldError>
    {
        ["enrollments_student_id_course_id_key"] = new("Course", AlreadyEnrolled),
        ["enrollments_student_is_student"] = new("Student", "Pick a student: this person is not an active student."),
        ["enrollments_student_id_fkey"] = new("Student", "This student no longer exists."),
        ["enrollments_course_is_published"] = new("Course", "This course is not published (or no longer exists): students can enroll only in published courses."),
        ["enrollments_course_id_fkey"] = new("Course", "This course no longer exists."),
        ["enrollments_amount_paid_check"] = new("Amount", "Enter an amount of 0 or more, with at most 2 decimals."),
        ["enrollments_override_reason_check"] = new("Reason", "Say why the amount differs from the price (up to 500 characters)."),
    };

    private const string Columns = """
        e.enrollment_id, e.enrolled_at, e.student_id, u.email AS student_email, e.course_id, c.title AS course_title,
        e.amount_paid, e.list_price, e.amount_override_reason
        """;

    private const string Newest = "e.enrolled_at DESC, e.enrollment_id DESC";

    // A page, newest first, and with the first page the planner's estimate of the filter's rows, in one round trip.
    public async Task<EnrollmentPage> PageAsync(Actor viewer, EnrollmentFilter filter, EnrollmentCursor? after, CancellationToken ct, int pageSize = PageSize)
    {
        var (where, args) = Where(viewer, filter);
        var count = $"EXPLAIN (FORMAT JSON) SELECT 1 FROM enrollments e JOIN courses c ON c.course_id = e.course_id WHERE {where.Sql}";
        where.Enrollment.Before("e.enrolled_at", "e.enrollment_id", after is null ? null : (after.EnrolledAt, after.EnrollmentId));
        args.Add("limit", pageSize + 1);
        var sql = viewer.Role == StaffRoles.Instructor
            // Per course of theirs, the newest keys from the (course, time, id) index, then the newest of those, then
            // their rows: walking all enrollments by time for an instructor's few courses reads thousands per match.
            ? $"""
              SELECT {Columns}
              FROM (SELECT e.enrollment_id
                    FROM courses c
                    CROSS JOIN LATERAL (SELECT e.enrolled_at, e.enrollment_id FROM enrollments e
                                        WHERE e.course_id = c.course_id AND {where.EnrollmentSql}
                                        ORDER BY {Newest} LIMIT @limit) e
                    WHERE {where.CourseSql}
                    ORDER BY {Newest}
                    LIMIT @limit) page
              JOIN enrollments e ON e.enrollment_id = page.enrollment_id
              JOIN users u ON u.user_id = e.student_id
              JOIN courses c ON c.course_id = e.course_id
              ORDER BY {Newest}
              """
            : $"""
              SELECT {Columns}
              FROM enrollments e JOIN users u ON u.user_id = e.student_id JOIN courses c ON c.course_id = e.course_id
              WHERE {where.Sql}
              ORDER BY {Newest}
              LIMIT @limit
              """;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(after is null ? $"{sql};\n{count}" : sql, args, cancellationToken: ct));
        var rows = (await results.ReadAsync<EnrollmentRow>()).ToList();
        long? estimate = after is null ? PlannerEstimate.Rows(await results.ReadSingleAsync<string>()) : null;
        var next = rows.Count > pageSize ? new EnrollmentCursor(rows[pageSize - 1].EnrolledAt, rows[pageSize - 1].EnrollmentId) : null;
        return new EnrollmentPage(rows.Take(pageSize).ToList(), next, estimate);
    }

    // Every row of the filter, in the order the server finds them (no ORDER BY), read as the server sends it, one row
    // in memory at a time. Any order costs the server a sort before the first row, or a lookup of each student by
    // index, which costs far more CPU than hashing the users once, and the server is what bounds the rate
    // (docs/perf/users-enrollments.md). One backend (no parallel workers) and no synchronized scans: the rows leave in
    // the table's own order, for a table only ever appended to the order they were recorded in.
    public async IAsyncEnumerable<EnrollmentRow> StreamAsync(Actor viewer, EnrollmentFilter filter, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var (where, args) = Where(viewer, filter);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        await connection.ExecuteAsync(new CommandDefinition("""
            SET LOCAL work_mem = '64MB'; SET LOCAL statement_timeout = 0;
            SET LOCAL max_parallel_workers_per_gather = 0; SET LOCAL synchronize_seqscans = off
            """, transaction: transaction, cancellationToken: ct));
        await using var reader = await connection.ExecuteReaderAsync(new CommandDefinition($"""
            SELECT {Columns}
            FROM enrollments e JOIN users u ON u.user_id = e.student_id JOIN courses c ON c.course_id = e.course_id
            WHERE {where.Sql}
            """, args, transaction, commandTimeout: 0, flags: CommandFlags.None, cancellationToken: ct));
        // Typed getters instead of Dapper's row parser: no boxing per field, which is most of the cost at 5M rows.
        while (await reader.ReadAsync(ct))
            yield return new EnrollmentRow(
                reader.GetInt32(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetGuid(2), reader.GetString(3), reader.GetInt32(4), reader.GetString(5),
                reader.GetDecimal(6), reader.IsDBNull(7) ? null : reader.GetDecimal(7), reader.IsDBNull(8) ? null : reader.GetString(8));
    }

    // Published courses for the admin's enrollment form.
    public async Task<IReadOnlyList<CourseChoice>> PublishedCoursesMatchingAsync(string? term, CancellationToken ct, int limit = 10) =>
        await CoursesMatchingAsync(term, publishedOnly: true, instructor: null, ct, limit);

    // Courses the viewer may filter enrollments by: every course for Admin and Accounting, an Instructor's own only.
    public async Task<IReadOnlyList<CourseChoice>> CoursesMatchingAsync(Actor viewer, string? term, CancellationToken ct, int limit = 10) =>
        viewer.Role switch
        {
            StaffRoles.Admin or StaffRoles.Accounting => await CoursesMatchingAsync(term, publishedOnly: false, instructor: null, ct, limit),
            StaffRoles.Instructor => await CoursesMatchingAsync(term, publishedOnly: false, viewer.UserId, ct, limit),
            _ => [],
        };

    private async Task<IReadOnlyList<CourseChoice>> CoursesMatchingAsync(string? term, bool publishedOnly, Guid? instructor, CancellationToken ct, int limit)
    {
        term = term?.Trim() ?? "";
        if (Like.CannotMatch(term)) return [];
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<CourseChoice>(new CommandDefinition("""
            SELECT course_id, title, price FROM courses
            WHERE (is_published OR NOT @publishedOnly) AND (@instructor::uuid IS NULL OR instructor_id = @instructor) AND title ILIKE @pattern
            ORDER BY title, course_id LIMIT @limit
            """, new { pattern = Like.Contains(term), publishedOnly, instructor, limit }, cancellationToken: ct))).ToList();
    }

    // The course a filter in the address names, to show its title (an instructor's own courses only).
    public async Task<CourseChoice?> CourseAsync(Actor viewer, int courseId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<CourseChoice>(new CommandDefinition("""
            SELECT course_id, title, price FROM courses
            WHERE course_id = @courseId AND (@instructor::uuid IS NULL OR instructor_id = @instructor)
            """, new { courseId, instructor = viewer.Role == StaffRoles.Instructor ? viewer.UserId : (Guid?)null }, cancellationToken: ct));
    }

    public async Task<CourseChoice?> PublishedCourseAsync(int courseId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<CourseChoice>(new CommandDefinition(
            "SELECT course_id, title, price FROM courses WHERE course_id = @courseId AND is_published", new { courseId }, cancellationToken: ct));
    }

    // Reads the price and inserts in one transaction (enroll_student): a price that changed since the form showed it
    // comes back as PriceChanged and nothing is saved; the same request token saved twice gives the first row back.
    public async Task<EnrollOutcome> EnrollAsync(Actor actor, EnrollRequest request, CancellationToken ct)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await using var grid = await connection.WriteAsActorAsync(actor, """
                SELECT outcome, enrollment_id, amount_paid, current_price, enrolled_at
                FROM enroll_student(@RequestToken, @StudentId, @CourseId, @ShownPrice, @OverrideAmount, @OverrideReason)
                """, request, ct);
            var row = await grid.ReadSingleAsync<(string Outcome, int? EnrollmentId, decimal? AmountPaid, decimal? CurrentPrice, DateTimeOffset? EnrolledAt)>();
            var kind = row.Outcome switch
            {
                "created" => EnrollOutcomeKind.Created,
                "replayed" => EnrollOutcomeKind.AlreadySaved,
                _ => EnrollOutcomeKind.PriceChanged,
            };
            return new EnrollOutcome(kind, row.EnrollmentId, row.AmountPaid, row.CurrentPrice, row.EnrolledAt);
        }
        catch (Exception e) when (e is not OperationCanceledException && DatabaseErrors.DescribeWrite(e, Constraints) is { } error)
        {
            return new EnrollOutcome(EnrollOutcomeKind.Refused, Error: error);
        }
    }

    // The filter's conditions on the enrollment row and on its course (an instructor sees their own courses only).
    private sealed record Conditions(SqlConditions Enrollment, SqlConditions Course)
    {
        public string EnrollmentSql => Enrollment.Sql;
        public string CourseSql => Course.Sql;
        public string Sql => $"{EnrollmentSql} AND {CourseSql}";
    }

    private static (Conditions Where, DynamicParameters Args) Where(Actor viewer, EnrollmentFilter filter)
    {
        var args = new DynamicParameters();
        var enrollment = new SqlConditions(args)
            .IfSet(filter.CourseId, "e.course_id = @courseId", "courseId")
            .IfSet(filter.StudentId, "e.student_id = @studentId", "studentId")
            // An export's instant may carry any offset; Npgsql writes a timestamptz parameter only at offset 0.
            .IfSet(filter.From?.ToUniversalTime(), "e.enrolled_at >= @from", "from")
            .IfSet(filter.To?.ToUniversalTime(), "e.enrolled_at < @to", "to");
        var course = new SqlConditions(args)
            .IfSet(viewer.Role == StaffRoles.Instructor ? viewer.UserId : (Guid?)null, "c.instructor_id = @viewerId", "viewerId")
            .If(viewer.Role is not (StaffRoles.Instructor or StaffRoles.Admin or StaffRoles.Accounting), "false");
        return (new Conditions(enrollment, course), args);
    }
}
