using Dapper;
using Npgsql;
using TechCourse.Admin.Features.Audit;
using TechCourse.Admin.Features.Enrollments;
using TechCourse.Admin.Features.Sales;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Infrastructure.Database;

namespace TechCourse.Admin.Features.Home;

// The figures of each home page. The accounting and admin pages read their days, price changes and enrollments through
// the sales, audit and enrollment queries the other pages use; the instructors' pages are read together (one statement
// per part for every open instructor of a zone), so their statements are here, with what no other page reads (the
// month's best courses and instructors in one pass, courses that need attention, the platform counts, the system health).
public sealed class HomeQueries(NpgsqlDataSource dataSource, SalesQueries sales, AuditQueries audit, EnrollmentsQueries enrollments)
{
    public const int TopCount = 5;
    public const int AttentionLimit = 50;

    private HomeKind<InstructorScope, InstructorHomeFigures>? instructorKind;
    private HomeKind<string, AccountingHomeFigures>? accountingKind;
    private HomeKind<string, AdminHomeFigures>? adminKind;

    // One instance of each kind (HomeLive tells kinds apart by instance).
    public HomeKind<InstructorScope, InstructorHomeFigures> InstructorKind =>
        LazyInitializer.EnsureInitialized(ref instructorKind, () => new("instructor", InstructorsAsync));

    public HomeKind<string, AccountingHomeFigures> AccountingKind =>
        LazyInitializer.EnsureInitialized(ref accountingKind, () => new("accounting", (zones, ct) => EachZoneAsync(zones, AccountingAsync, ct)));

    public HomeKind<string, AdminHomeFigures> AdminKind =>
        LazyInitializer.EnsureInitialized(ref adminKind, () => new("admin", (zones, ct) => EachZoneAsync(zones, AdminAsync, ct)));

    public const string AttentionSql = """
        SELECT instructor_id, course_id, title, is_published, metadata_problem
        FROM (SELECT instructor_id, course_id, title, coalesce(is_published, false) AS is_published,
                     quiz_metadata_problem(quiz_metadata) AS metadata_problem,
                     row_number() OVER (PARTITION BY instructor_id ORDER BY title, course_id) AS n
              FROM courses
              WHERE instructor_id = ANY (@instructors) AND (is_published IS NOT TRUE OR quiz_metadata_problem(quiz_metadata) IS NOT NULL)) a
        WHERE n <= @limit
        ORDER BY instructor_id, title, course_id
        """;

    // Each instructor's enrollments per local day of the zone (days without any are left out). Course by course, through
    // the (course_id, enrolled_at) index: a join the planner may choose instead reads every course's enrollments of the
    // range (about a million at the capstone's scale) to keep the few of these instructors' courses.
    public const string InstructorDaysSql = """
        SELECT c.instructor_id, d.day, sum(d.enrollments)::bigint AS enrollments, sum(d.gross_revenue) AS gross_revenue
        FROM courses c
        CROSS JOIN LATERAL (
            SELECT (e.enrolled_at AT TIME ZONE @zone)::date AS day, count(*) AS enrollments, sum(e.amount_paid) AS gross_revenue
            FROM enrollments e
            WHERE e.course_id = c.course_id
              AND e.enrolled_at >= (@from::timestamp AT TIME ZONE @zone) AND e.enrolled_at < ((@to::timestamp + interval '1 day') AT TIME ZONE @zone)
            GROUP BY 1) d
        WHERE c.instructor_id = ANY (@instructors)
        GROUP BY 1, 2
        """;

    // Each instructor's best courses by revenue over the range, ordered as the sales page orders them (revenue, then
    // title case-insensitively by code point, then id), from the same per-course figures.
    public const string InstructorTopCoursesSql = """
        WITH owned AS MATERIALIZED (SELECT course_id, instructor_id, title FROM courses WHERE instructor_id = ANY (@instructors)),
        ranked AS (
            SELECT o.instructor_id, r.course_id, o.title, r.enrollments, r.gross_revenue,
                   row_number() OVER (PARTITION BY o.instructor_id ORDER BY r.gross_revenue DESC, upper(o.title) COLLATE "C", r.course_id) AS n
            FROM sales_courses_in_range(@from::timestamp AT TIME ZONE @zone, (@to::timestamp + interval '1 day') AT TIME ZONE @zone,
                                        ARRAY(SELECT course_id FROM owned)) r
            JOIN owned o ON o.course_id = r.course_id)
        SELECT r.instructor_id, r.course_id, r.title, u.email AS instructor_email, r.enrollments, r.gross_revenue
        FROM ranked r LEFT JOIN users u ON u.user_id = r.instructor_id
        WHERE r.n <= @top
        ORDER BY r.instructor_id, r.n
        """;

    // The month's best courses and best instructors from one pass over its per-course figures (in cents, so ranking and
    // adding up compare integers), ordered as the sales page orders them (courses: revenue, then title case-insensitively
    // by code point, then id; instructors: revenue, then email). Only the courses and instructors at or above each list's
    // last figure read a title or an email.
    public const string MonthTopsSql = """
        WITH month AS MATERIALIZED (
            SELECT r.course_id, c.instructor_id, r.enrollments, r.cents
            FROM sales_courses_cents_in_range(@from::timestamp AT TIME ZONE @zone, (@to::timestamp + interval '1 day') AT TIME ZONE @zone) r
            JOIN courses c ON c.course_id = r.course_id),
        course_cutoff AS (SELECT cents FROM month ORDER BY cents DESC LIMIT 1 OFFSET @top - 1),
        top_courses AS (
            SELECT m.course_id, c.title, m.instructor_id, m.enrollments, m.cents
            FROM month m CROSS JOIN LATERAL (SELECT title FROM courses WHERE course_id = m.course_id OFFSET 0) c
            WHERE NOT EXISTS (SELECT FROM course_cutoff) OR m.cents >= (SELECT cents FROM course_cutoff)
            ORDER BY m.cents DESC, upper(c.title) COLLATE "C", m.course_id
            LIMIT @top),
        per_instructor AS (
            SELECT instructor_id, count(*) AS courses, sum(enrollments)::bigint AS enrollments, sum(cents)::bigint AS cents
            FROM month GROUP BY instructor_id),
        instructor_cutoff AS (SELECT cents FROM per_instructor ORDER BY cents DESC LIMIT 1 OFFSET @top - 1),
        top_instructors AS (
            SELECT p.instructor_id, u.email, p.courses, p.enrollments, p.cents
            FROM per_instructor p LEFT JOIN users u ON u.user_id = p.instructor_id
            WHERE NOT EXISTS (SELECT FROM instructor_cutoff) OR p.cents >= (SELECT cents FROM instructor_cutoff)
            ORDER BY p.cents DESC, u.email
            LIMIT @top)
        SELECT * FROM (
            SELECT 0 AS list, row_number() OVER (ORDER BY t.cents DESC, upper(t.title) COLLATE "C", t.course_id) AS n,
                   t.course_id, t.title, NULL::uuid AS instructor_id, (SELECT u.email FROM users u WHERE u.user_id = t.instructor_id) AS email,
                   0::bigint AS courses, t.enrollments, t.cents * 0.01 AS gross_revenue
            FROM top_courses t
            UNION ALL
            SELECT 1, row_number() OVER (ORDER BY i.cents DESC, i.email), NULL, NULL, i.instructor_id, i.email, i.courses, i.enrollments, i.cents * 0.01
            FROM top_instructors i) tops
        ORDER BY list, n
        """;

    // The figures of each span of local days (both ends included) in the zone, in the order given: one row of
    // sales_day per UTC day a span touches, however long the span.
    public const string SpanTotalsSql = """
        SELECT enrollments, gross_revenue
        FROM sales_totals_in_ranges(ARRAY(SELECT f::timestamp AT TIME ZONE @zone FROM unnest(@froms) WITH ORDINALITY a(f, k) ORDER BY k),
                                    ARRAY(SELECT (t::timestamp + interval '1 day') AT TIME ZONE @zone FROM unnest(@tos) WITH ORDINALITY a(t, k) ORDER BY k))
        ORDER BY k
        """;

    public const string CountsSql = """
        SELECT (SELECT coalesce(sum(users), 0)::bigint FROM user_role_counts WHERE role = 'Student') AS students,
               (SELECT count(*) FROM users WHERE role = 'Student' AND created_at >= @week::timestamp AT TIME ZONE @zone) AS new_students,
               (SELECT count(*) FROM users WHERE role = 'Student' AND created_at >= @weekBefore::timestamp AT TIME ZONE @zone
                                                 AND created_at < @week::timestamp AT TIME ZONE @zone) AS new_students_before,
               (SELECT coalesce(sum(users), 0)::bigint FROM user_role_counts WHERE role = 'Instructor') AS instructors,
               c.courses, c.published_courses, g.enrollments, g.gross_revenue
        FROM (SELECT count(*) AS courses, count(*) FILTER (WHERE is_published) AS published_courses FROM courses) c, sales_grand_total g
        """;

    public const string HealthSql = """
        SELECT applied_scripts, sealed_up_to, unsealed, deltas_waiting, last_fold_at, last_verified_at, last_verified_ok,
               last_verified_detail, signed_in_sessions
        FROM home_health()
        """;

    public async Task<InstructorHomeFigures> InstructorAsync(Guid instructorId, string zone, CancellationToken ct) =>
        (await InstructorsAsync([new InstructorScope(instructorId, zone)], ct))[new InstructorScope(instructorId, zone)];

    // For each instructor and zone: today, the last 7 and the last 30 days of their own courses, each beside the span of
    // equal length just before it; their top courses of 30 days; their latest price changes with each one's effect; their
    // courses that need attention. Four statements per zone for all the instructors of that zone, then one for the effects.
    public async Task<IReadOnlyDictionary<InstructorScope, InstructorHomeFigures>> InstructorsAsync(IReadOnlyList<InstructorScope> scopes, CancellationToken ct)
    {
        var byZone = await Task.WhenAll(scopes.GroupBy(s => s.Zone, StringComparer.Ordinal)
            .Select(zone => InstructorsInZoneAsync(zone.Select(s => s.InstructorId).Distinct().ToArray(), zone.Key, ct)));
        return byZone.SelectMany(figures => figures).ToDictionary(f => f.Key, f => f.Value);
    }

    private async Task<IEnumerable<KeyValuePair<InstructorScope, InstructorHomeFigures>>> InstructorsInZoneAsync(Guid[] instructors, string zone, CancellationToken ct)
    {
        var today = SalesTimeZones.Today(zone);
        var from = today.AddDays(-59);
        var daysTask = QueryAsync<InstructorDayRow>(InstructorDaysSql, new { instructors, zone, from = At(from), to = At(today) }, ct);
        var topTask = QueryAsync<InstructorCourseSalesRow>(InstructorTopCoursesSql,
            new { instructors, zone, from = At(today.AddDays(-29)), to = At(today), top = TopCount }, ct);
        var attentionTask = QueryAsync<InstructorAttentionRow>(AttentionSql, new { instructors, limit = AttentionLimit }, ct);
        var changesTask = audit.LatestOfInstructorsAsync(instructors, TopCount, ct);
        await Task.WhenAll(daysTask, topTask, attentionTask, changesTask);
        var changes = instructors.SelectMany(i => changesTask.Result[i].Select(entry => (Owner: i, Entry: entry))).ToList();
        // EffectsAsync answers in the order it was asked.
        var effects = await audit.EffectsAsync(changes.Select(c => c.Entry).ToList(), ct);
        var effectsOf = effects.Select((effect, k) => (changes[k].Owner, effect)).ToLookup(e => e.Owner, e => e.effect);
        var days = daysTask.Result.ToLookup(d => d.InstructorId);
        var top = topTask.Result.ToLookup(t => t.InstructorId);
        var attention = attentionTask.Result.ToLookup(a => a.InstructorId);
        return instructors.Select(id =>
        {
            var own = days[id].ToDictionary(d => d.Day);
            var all = Enumerable.Range(0, today.DayNumber - from.DayNumber + 1).Select(k => from.AddDays(k))
                .Select(day => own.TryGetValue(day, out var d) ? new DayTotal(day, d.Enrollments, d.GrossRevenue) : new DayTotal(day, 0, 0m)).ToList();
            var figures = new InstructorHomeFigures(zone, today, RollingPeriods(all, today), all.Where(d => d.Day > today.AddDays(-30)).ToList(),
                top[id].Select(t => new CourseSales(t.CourseId, t.Title, t.InstructorEmail, t.Enrollments, t.GrossRevenue)).ToList(),
                effectsOf[id].ToList(),
                attention[id].Select(a => new CourseAttention(a.CourseId, a.Title, a.IsPublished, a.MetadataProblem)).ToList());
            return KeyValuePair.Create(new InstructorScope(id, zone), figures);
        });
    }

    private async Task<IReadOnlyList<TRow>> QueryAsync<TRow>(string sql, object arguments, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<TRow>(new CommandDefinition(sql, arguments, cancellationToken: ct))).AsList();
    }

    private static async Task<IReadOnlyDictionary<string, T>> EachZoneAsync<T>(IReadOnlyList<string> zones, Func<string, CancellationToken, Task<T>> read, CancellationToken ct)
    {
        var figures = await Task.WhenAll(zones.Distinct(StringComparer.Ordinal).Select(async zone => KeyValuePair.Create(zone, await read(zone, ct))));
        return figures.ToDictionary(StringComparer.Ordinal);
    }

    private static DateTime At(DateOnly day) => day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);

    private sealed record InstructorDayRow(Guid InstructorId, DateOnly Day, long Enrollments, decimal GrossRevenue);

    private sealed record InstructorCourseSalesRow(Guid InstructorId, int CourseId, string Title, string? InstructorEmail, long Enrollments, decimal GrossRevenue);

    private sealed record InstructorAttentionRow(Guid InstructorId, int CourseId, string Title, bool IsPublished, string? MetadataProblem);

    // Today, month to date and year to date of the whole platform in the reporting zone, each beside the span just
    // before it and the same span a year earlier (each span's totals read as such, not day by day); the last 30 days for
    // the chart; the month's best courses and instructors.
    public async Task<AccountingHomeFigures> AccountingAsync(string zone, CancellationToken ct)
    {
        var today = SalesTimeZones.Today(zone);
        var periods = CalendarPeriods(today);
        var spans = periods.SelectMany(p => p.Comparisons.Select(c => (c.From, c.To)).Prepend((p.From, p.To))).ToList();
        var month = new SalesRange(new DateOnly(today.Year, today.Month, 1), today, zone);
        var lastMonthStart = month.From.AddMonths(-1);
        var lastMonth = new SalesRange(lastMonthStart, month.From.AddDays(-1), zone);
        var totalsTask = SpanTotalsAsync(spans, zone, ct);
        var daysTask = sales.DaysAsync(today.AddDays(-29), today, zone, SalesScope.All, ct);
        var topsTask = QueryAsync<MonthTopRow>(MonthTopsSql, new { zone, from = At(month.From), to = At(today), top = TopCount }, ct);
        await Task.WhenAll(totalsTask, daysTask, topsTask);
        var totals = new Queue<SpanTotals>(totalsTask.Result);
        var filled = periods.Select(p => p with
        {
            Current = totals.Dequeue(),
            Comparisons = p.Comparisons.Select(c => c with { Totals = totals.Dequeue() }).ToList(),
        }).ToList();
        var tops = topsTask.Result.ToLookup(t => t.List);
        return new AccountingHomeFigures(zone, today, filled, daysTask.Result,
            tops[0].Select(t => new CourseSales(t.CourseId!.Value, t.Title!, t.Email, t.Enrollments, t.GrossRevenue)).ToList(),
            tops[1].Select(t => new InstructorSales(t.InstructorId, t.Email, t.Courses, t.Enrollments, t.GrossRevenue)).ToList(),
            month, lastMonth);
    }

    // Each span's totals, in the order given.
    public async Task<IReadOnlyList<SpanTotals>> SpanTotalsAsync(IReadOnlyList<(DateOnly From, DateOnly To)> spans, string zone, CancellationToken ct) =>
        await QueryAsync<SpanTotals>(SpanTotalsSql,
            new { zone, froms = spans.Select(s => At(s.From)).ToArray(), tos = spans.Select(s => At(s.To)).ToArray() }, ct);

    // List 0: a top course; list 1: a top instructor.
    private sealed record MonthTopRow(int List, long N, int? CourseId, string? Title, Guid? InstructorId, string? Email, long Courses, long Enrollments, decimal GrossRevenue);

    public async Task<AdminHomeFigures> AdminAsync(string zone, CancellationToken ct)
    {
        var today = SalesTimeZones.Today(zone);
        var viewer = new Actor(Guid.Empty, "", StaffRoles.Admin);
        var daysTask = sales.DaysAsync(today.AddDays(-59), today, zone, SalesScope.All, ct);
        var countsTask = CountsAsync(today, zone, ct);
        var healthTask = HealthAsync(ct);
        var changesTask = audit.PageAsync(viewer, AuditFilter.None, null, TopCount, ct);
        var enrollmentsTask = enrollments.PageAsync(viewer, new EnrollmentFilter(), null, ct, TopCount);
        await Task.WhenAll(daysTask, countsTask, healthTask, changesTask, enrollmentsTask);
        var days = daysTask.Result;
        return new AdminHomeFigures(zone, today, countsTask.Result, RollingPeriods(days, today), days.Where(d => d.Day > today.AddDays(-30)).ToList(), healthTask.Result,
            changesTask.Result.Entries, enrollmentsTask.Result.Rows);
    }

    public async Task<PlatformCounts> CountsAsync(DateOnly today, string zone, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleAsync<PlatformCounts>(new CommandDefinition(CountsSql, new
        {
            zone,
            week = today.AddDays(-6).ToDateTime(TimeOnly.MinValue),
            weekBefore = today.AddDays(-13).ToDateTime(TimeOnly.MinValue),
        }, cancellationToken: ct));
    }

    public async Task<SystemHealth> HealthAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleAsync<HealthRow>(new CommandDefinition(HealthSql, cancellationToken: ct));
        return HealthRules.Judge(row, Migrator.JournalNames, DateTimeOffset.UtcNow);
    }

    public static IReadOnlyList<PeriodFigures> RollingPeriods(IReadOnlyList<DayTotal> days, DateOnly today) =>
    [
        Rolling("Today", days, today, 1),
        Rolling("Last 7 days", days, today, 7),
        Rolling("Last 30 days", days, today, 30),
    ];

    private static PeriodFigures Rolling(string name, IReadOnlyList<DayTotal> days, DateOnly today, int length)
    {
        var from = today.AddDays(1 - length);
        var before = from.AddDays(-length);
        return new PeriodFigures(name, from, today, SpanTotals.Of(days, from, today),
            [new Comparison(length == 1 ? "Yesterday" : $"Previous {length} days", before, from.AddDays(-1), SpanTotals.Of(days, before, from.AddDays(-1)))]);
    }

    // Spans only; AccountingAsync reads their figures.
    public static IReadOnlyList<PeriodFigures> CalendarPeriods(DateOnly today)
    {
        var monthStart = new DateOnly(today.Year, today.Month, 1);
        var previousMonthStart = monthStart.AddMonths(-1);
        var previousMonthSpanEnd = Min(previousMonthStart.AddDays(today.Day - 1), monthStart.AddDays(-1));
        var yearStart = new DateOnly(today.Year, 1, 1);
        var yearDays = today.DayNumber - yearStart.DayNumber + 1;
        var none = new SpanTotals(0, 0);
        return
        [
            new("Today", today, today, none,
                [new("Yesterday", today.AddDays(-1), today.AddDays(-1), none), new("Same day last year", today.AddYears(-1), today.AddYears(-1), none)]),
            new("Month to date", monthStart, today, none,
                [new("Previous month, same days", previousMonthStart, previousMonthSpanEnd, none), new("Same days last year", monthStart.AddYears(-1), today.AddYears(-1), none)]),
            new("Year to date", yearStart, today, none,
                [new($"Previous {yearDays} days", yearStart.AddDays(-yearDays), yearStart.AddDays(-1), none), new("Same days last year", yearStart.AddYears(-1), today.AddYears(-1), none)]),
        ];
    }

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;
}
