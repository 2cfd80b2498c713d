using Dapper;
using Npgsql;
using TechCourse.Admin.Features.Audit;
using TechCourse.Admin.Features.Enrollments;
using TechCourse.Admin.Features.Sales;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Infrastructure.Database;

namespace TechCourse.Admin.Features.Home;

// The figures of each home page, read through the sales, audit and enrollment queries the other pages use; only what
// no other page reads (an instructor's courses that need attention, the platform counts, the system health) is here.
public sealed class HomeQueries(NpgsqlDataSource dataSource, SalesQueries sales, AuditQueries audit, EnrollmentsQueries enrollments)
{
    public const int TopCount = 5;

    private static readonly CourseSalesPageRequest TopByRevenue = new(null, "revenue", true, 0, TopCount);

    public const string AttentionSql = """
        SELECT course_id, title, coalesce(is_published, false) AS is_published, quiz_metadata_problem(quiz_metadata) AS metadata_problem
        FROM courses
        WHERE instructor_id = @instructor AND (is_published IS NOT TRUE OR quiz_metadata_problem(quiz_metadata) IS NOT NULL)
        ORDER BY title, course_id
        LIMIT 50
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

    // Today, the last 7 and the last 30 days of the instructor's own courses, each beside the span of equal length
    // just before it, in the viewer's zone.
    public async Task<InstructorHomeFigures> InstructorAsync(Guid instructorId, string zone, CancellationToken ct)
    {
        var today = SalesTimeZones.Today(zone);
        var scope = new SalesScope(instructorId);
        var viewer = new Actor(instructorId, "", StaffRoles.Instructor);
        var daysTask = sales.DaysAsync(today.AddDays(-59), today, zone, scope, ct);
        var topTask = sales.CoursesInRangePageAsync(new SalesRange(today.AddDays(-29), today, zone), scope, TopByRevenue, ct);
        var changesTask = audit.PageAsync(viewer, AuditFilter.None, null, TopCount, ct);
        var attentionTask = AttentionAsync(instructorId, ct);
        await Task.WhenAll(daysTask, topTask, changesTask, attentionTask);
        var effects = await audit.EffectsAsync(changesTask.Result.Entries, ct);
        var days = daysTask.Result;
        return new InstructorHomeFigures(zone, today, RollingPeriods(days, today), days.Where(d => d.Day > today.AddDays(-30)).ToList(),
            topTask.Result.Rows, effects, attentionTask.Result);
    }

    // Today, month to date and year to date of the whole platform in the reporting zone, each beside the span just
    // before it and the same span a year earlier; the month's best courses and instructors.
    public async Task<AccountingHomeFigures> AccountingAsync(string zone, CancellationToken ct)
    {
        var today = SalesTimeZones.Today(zone);
        var periods = CalendarPeriods(today);
        var first = periods.SelectMany(p => p.Comparisons.Select(c => c.From).Append(p.From)).Append(today.AddDays(-29)).Min();
        var month = new SalesRange(new DateOnly(today.Year, today.Month, 1), today, zone);
        var lastMonthStart = month.From.AddMonths(-1);
        var lastMonth = new SalesRange(lastMonthStart, month.From.AddDays(-1), zone);
        var daysTask = sales.DaysAsync(first, today, zone, SalesScope.All, ct);
        var topTask = sales.CoursesInRangePageAsync(month, SalesScope.All, TopByRevenue, ct);
        var instructorsTask = sales.InstructorsInRangeAsync(month, SalesScope.All, ct);
        await Task.WhenAll(daysTask, topTask, instructorsTask);
        var days = daysTask.Result;
        return new AccountingHomeFigures(zone, today, periods.Select(p => Fill(p, days)).ToList(), days.Where(d => d.Day > today.AddDays(-30)).ToList(),
            topTask.Result.Rows, instructorsTask.Result.Take(TopCount).ToList(), month, lastMonth);
    }

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

    public async Task<IReadOnlyList<CourseAttention>> AttentionAsync(Guid instructorId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<CourseAttention>(new CommandDefinition(AttentionSql, new { instructor = instructorId }, cancellationToken: ct))).AsList();
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

    // Spans only; Fill adds their figures.
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

    private static PeriodFigures Fill(PeriodFigures period, IReadOnlyList<DayTotal> days) =>
        period with
        {
            Current = SpanTotals.Of(days, period.From, period.To),
            Comparisons = period.Comparisons.Select(c => c with { Totals = SpanTotals.Of(days, c.From, c.To) }).ToList(),
        };

    private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;
}
