using Dapper;
using TechCourse.Admin.Features.Analytics;
using TechCourse.Admin.Features.Audit;
using TechCourse.Admin.Features.Courses;
using TechCourse.Admin.Features.Enrollments;
using TechCourse.Admin.Features.Home;
using TechCourse.Admin.Features.Sales;
using TechCourse.Admin.Features.Users;
using TechCourse.Admin.Infrastructure.Auth;

namespace TechCourse.Admin.Bench;

/// Every query a page runs, called through the app's own class as the page calls it. Add an entry per query.
public static class QueryCatalog
{
    private const string SeqScan = "SET enable_indexscan = off; SET enable_bitmapscan = off; SET enable_indexonlyscan = off";

    private static Args NoArgs(Sample sample, int i) => [];

    /// A sales range of the given length ending on one of the last 7 days of data, in a zone; plus the instants the naive SQL needs.
    private static Args SalesDays(Sample s, int i, int days, string zone)
    {
        var to = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(s.LastEnrollment, TimeZoneInfo.FindSystemTimeZoneById(zone)).DateTime).AddDays(-(i % 7));
        var range = new SalesRange(to.AddDays(1 - days), to, zone);
        return new()
        {
            ["range"] = range, ["zone"] = zone,
            ["from"] = range.PreviousFrom.ToDateTime(TimeOnly.MinValue), ["to"] = range.To.AddDays(1).ToDateTime(TimeOnly.MinValue),
            ["start"] = range.From.ToDateTime(TimeOnly.MinValue),
        };
    }

    /// The audit timeline's rows (AuditQueries.PageAsync's columns), newest first, from a slice of the log ({0}).
    private const string NaiveTimeline = """
        SELECT pc.log_id, pc.course_id, c.title AS course_title, pc.old_price, pc.new_price, pc.changed_at, pc.changed_by,
               u.email AS actor_email, u.role AS actor_role, pc.source, pc.reason, pc.seal_seq
        FROM ({0}) pc JOIN courses c ON c.course_id = pc.course_id LEFT JOIN users u ON u.user_id = pc.changed_by
        ORDER BY pc.changed_at DESC, pc.log_id DESC
        """;

    private const string NaiveByDay = """
        SELECT (e.enrolled_at AT TIME ZONE @zone)::date AS day, count(*), sum(e.amount_paid) FROM enrollments e
        WHERE e.enrolled_at >= (@from AT TIME ZONE @zone) AND e.enrolled_at < (@to AT TIME ZONE @zone)
        GROUP BY 1 ORDER BY 1
        """;

    private const string NaiveByDayAll = """
        SELECT day, n, revenue FROM (
            SELECT (e.enrolled_at AT TIME ZONE @zone)::date AS day, count(*) AS n, sum(e.amount_paid) AS revenue FROM enrollments e GROUP BY 1) d
        WHERE day >= @from::date AND day < @to::date ORDER BY 1
        """;

    // The sales page's course tabs open on their first 50 rows by revenue.
    private static readonly CourseSalesPageRequest FirstFiftyByRevenue = new(null, "revenue", true, 0, 50);

    private const string NaiveCoursesInRange = """
        SELECT e.course_id, count(*), sum(e.amount_paid) FROM enrollments e
        WHERE e.enrolled_at >= (@start AT TIME ZONE @zone) AND e.enrolled_at < (@to AT TIME ZONE @zone)
        GROUP BY e.course_id
        """;

    public static IReadOnlyList<QueryEntry> All { get; } =
    [
        // issue 21: each home page's whole read (every query it runs, as HomeLive runs it once per second at most)
        new("home page, instructor", (s, i) => new() { ["instructor"] = s.Instructor(i), ["zone"] = "America/New_York" },
            (c, a, ct) => Home(c).InstructorAsync(a.Get<Guid>("instructor"), a.Get<string>("zone"), ct))
        {
            Naive = new("plain aggregate of the instructor's enrollments, 60 days", """
                SELECT (e.enrolled_at AT TIME ZONE @zone)::date, count(*), sum(e.amount_paid) FROM enrollments e JOIN courses c ON c.course_id = e.course_id
                WHERE c.instructor_id = @instructor AND e.enrolled_at >= now() - interval '60 days' GROUP BY 1
                """),
        },
        // The instructor kind as HomeLive reads it with many instructors' pages open: all of them in one read.
        new("home pages, 34 instructors together", (s, i) => new() { ["instructors"] = Enumerable.Range(i * 34, 34).Select(s.Instructor).Distinct().ToArray(), ["zone"] = "America/New_York" },
            (c, a, ct) => Home(c).InstructorsAsync(a.Get<Guid[]>("instructors").Select(id => new InstructorScope(id, a.Get<string>("zone"))).ToList(), ct))
        {
            NoGoalBecause = "HomeLive's read of 34 open instructor pages at once; the live entry judges it",
            Naive = new("plain aggregate of the 34 instructors' enrollments, 60 days", """
                SELECT c.instructor_id, (e.enrolled_at AT TIME ZONE @zone)::date, count(*), sum(e.amount_paid) FROM enrollments e JOIN courses c ON c.course_id = e.course_id
                WHERE c.instructor_id = ANY (@instructors) AND e.enrolled_at >= now() - interval '60 days' GROUP BY 1, 2
                """),
        },
        new("home page, accounting", (s, i) => new() { ["zone"] = i % 2 == 0 ? "UTC" : "America/New_York" },
            (c, a, ct) => Home(c).AccountingAsync(a.Get<string>("zone"), ct))
        {
            Naive = new("plain aggregate of enrollments per local day since last January 1st", """
                SELECT (e.enrolled_at AT TIME ZONE @zone)::date, count(*), sum(e.amount_paid) FROM enrollments e
                WHERE e.enrolled_at >= date_trunc('year', now()) - interval '1 year' GROUP BY 1
                """),
        },
        new("home page, admin", (s, i) => new() { ["zone"] = i % 2 == 0 ? "UTC" : "America/New_York" },
            (c, a, ct) => Home(c).AdminAsync(a.Get<string>("zone"), ct))
        {
            Naive = new("plain counts and sums over users, courses and enrollments", """
                SELECT (SELECT count(*) FROM users WHERE role = 'Student'), (SELECT count(*) FROM courses),
                       (SELECT count(*) FROM enrollments), (SELECT sum(amount_paid) FROM enrollments)
                """),
        },

        // issue 4: courses grid (page of 25 + its count, as CoursesPage asks) and the price history dialog
        new("courses first page", (s, i) => new() { ["desc"] = i % 2 == 1 },
            (c, a, ct) => new CoursesQueries(c.DataSource).PageAsync(c.Admin, new CoursePageRequest(new CourseFilter(), CourseSort.Title, a.Get<bool>("desc")), ct))
        {
            Naive = new("plain aggregate over enrollments (no rollup)", """
                SELECT c.course_id, c.title, c.price, count(e.enrollment_id) AS enrollments, coalesce(sum(e.amount_paid), 0) AS gross_revenue
                FROM courses c LEFT JOIN enrollments e ON e.course_id = c.course_id
                GROUP BY c.course_id ORDER BY c.title LIMIT 25
                """),
        },
        new("courses deep page by revenue", (s, i) => new() { ["page"] = 380 + i % 19 },
            (c, a, ct) => new CoursesQueries(c.DataSource).PageAsync(c.Admin, new CoursePageRequest(new CourseFilter(), CourseSort.Revenue, true, a.Get<int>("page")), ct))
        {
            Naive = new("plain aggregate over enrollments + OFFSET", """
                SELECT c.course_id, c.title, c.price, count(e.enrollment_id) AS enrollments, coalesce(sum(e.amount_paid), 0) AS gross_revenue
                FROM courses c LEFT JOIN enrollments e ON e.course_id = c.course_id
                GROUP BY c.course_id ORDER BY gross_revenue DESC, c.course_id DESC LIMIT 25 OFFSET @page * 25
                """),
        },
        new("courses title search", (s, i) => new() { ["term"] = s.TitleTerm(i), ["pattern"] = $"%{s.TitleTerm(i)}%" },
            (c, a, ct) => new CoursesQueries(c.DataSource).PageAsync(c.Admin, new CoursePageRequest(new CourseFilter(Search: a.Get<string>("term"))), ct))
        {
            Naive = new("seq-scan ILIKE + COUNT(*)", "SELECT * FROM courses WHERE title ILIKE @pattern ORDER BY title LIMIT 25; SELECT count(*) FROM courses WHERE title ILIKE @pattern", SeqScan),
        },
        new("courses quiz filter", (s, i) => new() { ["difficulty"] = new[] { "Easy", "Medium", "Hard" }[i % 3], ["score"] = 50 + i % 10 * 5 },
            (c, a, ct) => new CoursesQueries(c.DataSource).PageAsync(c.Admin,
                new CoursePageRequest(new CourseFilter(Difficulty: a.Get<string>("difficulty"), PassingScore: a.Get<int>("score"))), ct))
        {
            Naive = new("seq scan on ->> comparisons", """
                SELECT * FROM courses WHERE quiz_metadata ->> 'difficulty' = @difficulty AND (quiz_metadata ->> 'passing_score')::int = @score
                ORDER BY title LIMIT 25
                """, SeqScan),
        },
        new("course price history", (s, i) => new() { ["course"] = s.Course(i) },
            (c, a, ct) => new CoursesQueries(c.DataSource).PriceHistoryAsync(c.Admin, a.Get<int>("course"), ct))
        {
            Naive = new("seq scan of price_changes", "SELECT * FROM price_changes WHERE course_id = @course ORDER BY log_id DESC LIMIT 200", SeqScan),
        },

        // issue 5: users grid (a page of 50 with its count in one statement), student autocomplete, enrollments grid (a page of 50
        // with the planner's estimate in the same round trip) by filter and viewer, a student's page
        new("users first page", NoArgs, (c, a, ct) => new UsersQueries(c.DataSource).PageAsync(new UserFilter(), null, ct))
        {
            Naive = new("exact COUNT(*)", "SELECT user_id, email, role, created_at FROM users ORDER BY created_at DESC, user_id DESC LIMIT 51; SELECT count(*) FROM users"),
        },
        new("users deep page (row 500,000+)", (s, i) => new() { ["email"] = s.Deep(i).Email, ["created"] = s.Deep(i).CreatedAt, ["id"] = s.Deep(i).UserId, ["offset"] = s.Deep(i).Offset },
            (c, a, ct) => new UsersQueries(c.DataSource).PageAsync(new UserFilter(), new UserCursor(a.Get<string>("email"), a.Get<DateTimeOffset>("created"), a.Get<Guid>("id")), ct))
        {
            Naive = new("OFFSET paging", "SELECT user_id, email, role, created_at FROM users ORDER BY created_at DESC, user_id DESC OFFSET @offset LIMIT 51"),
        },
        new("users email search, newest first", (s, i) => new() { ["term"] = s.EmailTerm(i), ["pattern"] = $"%{s.EmailTerm(i)}%" },
            (c, a, ct) => new UsersQueries(c.DataSource).PageAsync(new UserFilter(Search: a.Get<string>("term")), null, ct))
        {
            Naive = new("seq-scan ILIKE + COUNT(*)", """
                SELECT user_id, email, role, created_at FROM users WHERE email ILIKE @pattern ORDER BY created_at DESC, user_id DESC LIMIT 51;
                SELECT count(*) FROM users WHERE email ILIKE @pattern
                """, SeqScan),
        },
        new("users email search, A–Z", (s, i) => new() { ["term"] = s.EmailTerm(i), ["pattern"] = $"%{s.EmailTerm(i)}%" },
            (c, a, ct) => new UsersQueries(c.DataSource).PageAsync(new UserFilter(a.Get<string>("term"), Sort: UserSort.EmailAscending), null, ct))
        {
            Naive = new("seq-scan ILIKE + COUNT(*)", """
                SELECT user_id, email, role, created_at FROM users WHERE email ILIKE @pattern ORDER BY email LIMIT 51;
                SELECT count(*) FROM users WHERE email ILIKE @pattern
                """, SeqScan),
        },
        new("users email search, rare term", (s, i) => new() { ["term"] = s.RareTerm(i), ["pattern"] = $"%{s.RareTerm(i)}%" },
            (c, a, ct) => new UsersQueries(c.DataSource).PageAsync(new UserFilter(Search: a.Get<string>("term")), null, ct))
        {
            Naive = new("seq-scan ILIKE + COUNT(*)", """
                SELECT user_id, email, role, created_at FROM users WHERE email ILIKE @pattern ORDER BY created_at DESC, user_id DESC LIMIT 51;
                SELECT count(*) FROM users WHERE email ILIKE @pattern
                """, SeqScan),
        },
        new("users role filter", (s, i) => new() { ["role"] = i % 2 == 0 ? "Instructor" : "Student", ["sort"] = i % 4 < 2 ? UserSort.CreatedNewest : UserSort.EmailAscending },
            (c, a, ct) => new UsersQueries(c.DataSource).PageAsync(new UserFilter(Role: a.Get<string>("role"), Sort: a.Get<UserSort>("sort")), null, ct)),
        new("users role filter + search", (s, i) => new() { ["role"] = i % 2 == 0 ? "Instructor" : "Student", ["term"] = s.EmailTerm(i) },
            (c, a, ct) => new UsersQueries(c.DataSource).PageAsync(new UserFilter(a.Get<string>("term"), a.Get<string>("role")), null, ct)),
        new("student autocomplete", (s, i) => new() { ["term"] = s.EmailTerm(i), ["pattern"] = $"%{s.EmailTerm(i)}%" },
            (c, a, ct) => new UsersQueries(c.DataSource).StudentsMatchingAsync(a.Get<string>("term"), ct))
        {
            Naive = new("seq-scan ILIKE", "SELECT user_id, email FROM users WHERE role = 'Student' AND email ILIKE @pattern ORDER BY email LIMIT 10", SeqScan),
        },
        new("enrollments of a course", (s, i) => new() { ["course"] = s.Course(i) },
            (c, a, ct) => new EnrollmentsQueries(c.DataSource).PageAsync(c.Admin, new EnrollmentFilter(CourseId: a.Get<int>("course")), null, ct))
        {
            Naive = new("exact COUNT(*) + sort without the keyset index", """
                SELECT e.*, u.email FROM enrollments e JOIN users u ON u.user_id = e.student_id WHERE e.course_id = @course
                ORDER BY e.enrolled_at DESC, e.enrollment_id DESC LIMIT 51;
                SELECT count(*) FROM enrollments WHERE course_id = @course
                """, "SET enable_indexscan = off; SET enable_indexonlyscan = off"),
        },
        new("enrollments of a student", (s, i) => new() { ["student"] = s.Student(i) },
            (c, a, ct) => new EnrollmentsQueries(c.DataSource).PageAsync(c.Admin, new EnrollmentFilter(StudentId: a.Get<Guid>("student")), null, ct)),
        new("student page", (s, i) => new() { ["student"] = s.Student(i) }, async (c, a, ct) =>
        {
            var users = new UsersQueries(c.DataSource);
            await users.ProfileAsync(a.Get<Guid>("student"), ct);
            await users.EnrollmentsOfAsync(a.Get<Guid>("student"), ct);
        }),
        new("enrollments list first page", NoArgs,
            (c, a, ct) => new EnrollmentsQueries(c.DataSource).PageAsync(c.Admin, new EnrollmentFilter(), null, ct))
        {
            Naive = new("exact COUNT(*) over enrollments", """
                SELECT e.*, u.email FROM enrollments e JOIN users u ON u.user_id = e.student_id ORDER BY e.enrolled_at DESC, e.enrollment_id DESC LIMIT 51;
                SELECT count(*) FROM enrollments
                """),
        },
        new("enrollments list deep page", (s, i) => new() { ["at"] = s.Instant(i).AddDays(-365) },
            (c, a, ct) => new EnrollmentsQueries(c.DataSource).PageAsync(c.Admin, new EnrollmentFilter(), new EnrollmentCursor(a.Get<DateTimeOffset>("at"), 0), ct)),
        new("enrollments list by date range", (s, i) => new() { ["to"] = s.Instant(i), ["days"] = new[] { 1, 7, 30, 365 }[i % 4] }, (c, a, ct) =>
            new EnrollmentsQueries(c.DataSource).PageAsync(c.Admin, new EnrollmentFilter(From: a.Get<DateTimeOffset>("to").AddDays(-a.Get<int>("days")), To: a.Get<DateTimeOffset>("to")), null, ct)),
        new("enrollments list by course and date range", (s, i) => new() { ["course"] = s.Course(i), ["to"] = s.Instant(i) }, (c, a, ct) =>
            new EnrollmentsQueries(c.DataSource).PageAsync(c.Admin, new EnrollmentFilter(a.Get<int>("course"), From: a.Get<DateTimeOffset>("to").AddDays(-90), To: a.Get<DateTimeOffset>("to")), null, ct)),
        new("enrollments list as an instructor", (s, i) => new() { ["instructor"] = s.Instructor(i) }, (c, a, ct) =>
            new EnrollmentsQueries(c.DataSource).PageAsync(new Actor(a.Get<Guid>("instructor"), "instructor@bench.invalid", StaffRoles.Instructor), new EnrollmentFilter(), null, ct))
        {
            Naive = new("newest enrollments filtered by the course's instructor", """
                SELECT e.*, u.email FROM enrollments e JOIN users u ON u.user_id = e.student_id JOIN courses c ON c.course_id = e.course_id
                WHERE c.instructor_id = @instructor ORDER BY e.enrolled_at DESC, e.enrollment_id DESC LIMIT 51
                """),
        },

        // issue 6: sales (the page loads totals by course, the days of the range beside the previous period, and the range's courses and instructors)
        // The all-time tab asks for one page at a time: the first 50 by revenue, as it opens.
        new("sales by course", NoArgs, (c, a, ct) => new SalesQueries(c.DataSource).ByCoursePageAsync(SalesScope.All, FirstFiftyByRevenue, ct))
        {
            Naive = new("the seed's plain view (aggregate over enrollments)", """
                SELECT c.title AS course_name, COUNT(e.enrollment_id) AS total_enrollments, SUM(e.amount_paid) AS gross_revenue
                FROM courses c JOIN enrollments e ON c.course_id = e.course_id GROUP BY c.title
                """),
        },
        new("sales by course, search", (s, i) => new() { ["term"] = s.TitleTerm(i) },
            (c, a, ct) => new SalesQueries(c.DataSource).ByCoursePageAsync(SalesScope.All, new CourseSalesPageRequest(a.Get<string>("term"), "revenue", true, 0, 50), ct)),
        new("sales by course, sorted by instructor", (s, i) => new() { ["page"] = i % 5 },
            (c, a, ct) => new SalesQueries(c.DataSource).ByCoursePageAsync(SalesScope.All, new CourseSalesPageRequest(null, "instructor", false, a.Get<int>("page") * 50, 50), ct)),
        new("sales by course, one instructor", (s, i) => new() { ["instructor"] = s.Instructor(i) },
            (c, a, ct) => new SalesQueries(c.DataSource).ByCoursePageAsync(new SalesScope(a.Get<Guid>("instructor")), new CourseSalesPageRequest(null, "revenue", true, 0, 50), ct)),
        new("sales by day, 30 days, UTC", (s, i) => SalesDays(s, i, 30, "UTC"),
            (c, a, ct) => new SalesQueries(c.DataSource).ByDayAsync(a.Get<SalesRange>("range"), SalesScope.All, ct))
        { Naive = new("per-day GROUP BY over the range's enrollments", NaiveByDay) },
        new("sales by day, 30 days, Asia/Kolkata", (s, i) => SalesDays(s, i, 30, "Asia/Kolkata"),
            (c, a, ct) => new SalesQueries(c.DataSource).ByDayAsync(a.Get<SalesRange>("range"), SalesScope.All, ct))
        { Naive = new("per-day GROUP BY over the range's enrollments", NaiveByDay) },
        new("sales by day, 2 years, UTC", (s, i) => SalesDays(s, i, 730, "UTC"),
            (c, a, ct) => new SalesQueries(c.DataSource).ByDayAsync(a.Get<SalesRange>("range"), SalesScope.All, ct))
        { Naive = new("per-day GROUP BY over all enrollments", NaiveByDayAll) },
        new("sales by day, 2 years, America/Los_Angeles", (s, i) => SalesDays(s, i, 730, "America/Los_Angeles"),
            (c, a, ct) => new SalesQueries(c.DataSource).ByDayAsync(a.Get<SalesRange>("range"), SalesScope.All, ct))
        { Naive = new("per-day GROUP BY over all enrollments", NaiveByDayAll) },
        new("sales courses in range, 30 days, UTC", (s, i) => SalesDays(s, i, 30, "UTC"),
            (c, a, ct) => new SalesQueries(c.DataSource).CoursesInRangePageAsync(a.Get<SalesRange>("range"), SalesScope.All, FirstFiftyByRevenue, ct))
        { Naive = new("per-course GROUP BY over the range's enrollments", NaiveCoursesInRange) },
        new("sales courses in range, 30 days, Asia/Kolkata", (s, i) => SalesDays(s, i, 30, "Asia/Kolkata"),
            (c, a, ct) => new SalesQueries(c.DataSource).CoursesInRangePageAsync(a.Get<SalesRange>("range"), SalesScope.All, FirstFiftyByRevenue, ct))
        { Naive = new("per-course GROUP BY over the range's enrollments", NaiveCoursesInRange) },
        new("sales instructors in range, 30 days, UTC", (s, i) => SalesDays(s, i, 30, "UTC"),
            (c, a, ct) => new SalesQueries(c.DataSource).InstructorsInRangeAsync(a.Get<SalesRange>("range"), SalesScope.All, ct))
        {
            Naive = new("per-instructor GROUP BY over the range's enrollments", """
                SELECT c.instructor_id, count(DISTINCT e.course_id), count(*), sum(e.amount_paid) FROM enrollments e JOIN courses c ON c.course_id = e.course_id
                WHERE e.enrolled_at >= (@start AT TIME ZONE @zone) AND e.enrolled_at < (@to AT TIME ZONE @zone)
                GROUP BY c.instructor_id
                """),
        },
        new("daily_sales_report (the seed's view, on the rollups)", NoArgs, async (c, a, ct) =>
        {
            await using var connection = await c.DataSource.OpenConnectionAsync(ct);
            await connection.QueryAsync<(string, long, decimal)>(new CommandDefinition("SELECT * FROM daily_sales_report", cancellationToken: ct));
        })
        {
            Naive = new("the seed's plain view (aggregate over enrollments)", """
                SELECT c.title AS course_name, COUNT(e.enrollment_id) AS total_enrollments, SUM(e.amount_paid) AS gross_revenue
                FROM courses c JOIN enrollments e ON c.course_id = e.course_id GROUP BY c.title
                """),
        },

        // issue 6: analytics page (its first rows of hardest courses, by difficulty, metadata problems) and its metadata filter
        new("analytics page queries", NoArgs, async (c, a, ct) =>
        {
            var analytics = new AnalyticsQueries(c.DataSource);
            await analytics.HardestCoursesAsync(ct, AnalyticsQueries.FirstRows);
            await analytics.ByDifficultyAsync(ct);
            await analytics.MetadataProblemsAsync(ct, AnalyticsQueries.FirstRows);
        })
        {
            Naive = new("by difficulty over the plain aggregate", """
                SELECT coalesce(c.quiz_metadata->>'difficulty', '(none)'), count(DISTINCT c.course_id), count(e.enrollment_id), coalesce(sum(e.amount_paid), 0)
                FROM courses c LEFT JOIN enrollments e ON e.course_id = c.course_id GROUP BY 1
                """),
        },
        new("analytics metadata filter", (s, i) => new() { ["difficulty"] = new[] { "Easy", "Medium", "Hard" }[i % 3], ["score"] = 50 + i % 10 * 5, ["filter"] = $"{{\"difficulty\":\"{new[] { "Easy", "Medium", "Hard" }[i % 3]}\",\"passing_score\":{50 + i % 10 * 5}}}" },
            (c, a, ct) => new AnalyticsQueries(c.DataSource).FilterAsync(a.Get<string>("difficulty"), a.Get<int>("score"), null, ct))
        {
            Naive = new("seq scan, ->> comparisons", """
                SELECT course_id, title FROM courses WHERE quiz_metadata ->> 'difficulty' = @difficulty AND (quiz_metadata ->> 'passing_score')::int = @score
                ORDER BY course_id LIMIT 200
                """, SeqScan),
        },

        // issue 7: the audit timeline (first page, a page 500,000 entries down by keyset) and the price at a point in time
        new("audit timeline first page", NoArgs, (c, a, ct) => new AuditQueries(c.DataSource).PageAsync(c.Admin, AuditFilter.None, null, 50, ct))
        {
            // Sorting on an expression keeps the timeline index out (as in the seed, which has none); joins still use keys.
            Naive = new("seq scan + sort of the whole log (no timeline index)", string.Format(NaiveTimeline,
                "SELECT * FROM price_changes ORDER BY changed_at + interval '0' DESC, log_id DESC LIMIT 51")),
        },
        new("audit timeline deep page (entry 500,000+)", (s, i) => new() { ["at"] = s.DeepAudit(i).ChangedAt, ["id"] = s.DeepAudit(i).LogId, ["offset"] = s.DeepAudit(i).Offset },
            (c, a, ct) => new AuditQueries(c.DataSource).PageAsync(c.Admin, AuditFilter.None, new AuditCursor(a.Get<DateTimeOffset>("at"), a.Get<int>("id")), 50, ct))
        {
            Naive = new("OFFSET paging", string.Format(NaiveTimeline, "SELECT * FROM price_changes ORDER BY changed_at DESC, log_id DESC OFFSET @offset LIMIT 51")),
        },
        // issue 19: what an instructor is offered and shown — their own courses' students, courses, actors, timeline and figures
        new("enrollments student filter as an instructor", (s, i) => new() { ["instructor"] = s.Instructor(i), ["term"] = s.EmailTerm(i) },
            (c, a, ct) => new UsersQueries(c.DataSource).StudentsMatchingAsync(AsInstructor(a), a.Get<string>("term"), ct)),
        new("enrollments course filter as an instructor", (s, i) => new() { ["instructor"] = s.Instructor(i), ["term"] = s.TitleTerm(i) },
            (c, a, ct) => new EnrollmentsQueries(c.DataSource).CoursesMatchingAsync(AsInstructor(a), a.Get<string>("term"), ct)),
        new("audit timeline as an instructor", (s, i) => new() { ["instructor"] = s.Instructor(i) },
            (c, a, ct) => new AuditQueries(c.DataSource).PageAsync(AsInstructor(a), AuditFilter.None, null, 50, ct)),
        new("audit changed-by list as an instructor", (s, i) => new() { ["instructor"] = s.Instructor(i) },
            (c, a, ct) => new AuditQueries(c.DataSource).ActorOptionsAsync(AsInstructor(a), "", ct)),
        new("point-in-time price", (s, i) => new() { ["course"] = s.Course(i), ["at"] = s.Instant(i) },
            (c, a, ct) => new AuditQueries(c.DataSource).PriceAtAsync(c.Admin, a.Get<int>("course"), a.Get<DateTimeOffset>("at"), ct))
        {
            Naive = new("seq scan of price_changes", """
                SELECT new_price, changed_at FROM price_changes WHERE course_id = @course AND changed_at <= @at
                ORDER BY changed_at DESC, log_id DESC LIMIT 1
                """, SeqScan),
        },
    ];

    private static Actor AsInstructor(Args a) => new(a.Get<Guid>("instructor"), "instructor@bench.invalid", StaffRoles.Instructor);

    private static HomeQueries Home(AppCall c) =>
        new(c.DataSource, new SalesQueries(c.DataSource), new AuditQueries(c.DataSource), new EnrollmentsQueries(c.DataSource));
}
