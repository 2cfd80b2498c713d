using System.Globalization;
using Dapper;
using Npgsql;
using TechCourse.Admin.Features.Sales;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Features.Sales;

public sealed class SalesQueriesTests
{
    [Theory]
    [InlineData("Asia/Kolkata", "2026-06-10")]
    [InlineData("America/St_Johns", "2026-06-10")]
    [InlineData("Asia/Kathmandu", "2026-06-10")]
    [InlineData("Europe/Berlin", "2026-03-28")]
    [InlineData("Europe/Berlin", "2026-03-29")]
    [InlineData("Europe/Berlin", "2026-10-24")]
    [InlineData("Europe/Berlin", "2026-10-25")]
    public async Task An_enrollment_at_23_59_59_and_one_at_midnight_local_fall_on_their_own_calendar_days(string zone, string date)
    {
        await using var database = await TestDatabase.CreateAsync();
        var course = await SalesData.CourseAsync(database.DataSource, null);
        var day = DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var tz = TimeZoneInfo.FindSystemTimeZoneById(zone);
        DateTimeOffset Local(DateOnly d, int h, int m, int s) => new(d.ToDateTime(new TimeOnly(h, m, s)), tz.GetUtcOffset(d.ToDateTime(new TimeOnly(h, m, s))));
        await SalesData.EnrollAsync(database.DataSource, course, 1.00m, Local(day, 0, 0, 0));
        await SalesData.EnrollAsync(database.DataSource, course, 2.00m, Local(day, 23, 59, 59));
        await SalesData.FoldAsync(database.DataSource);
        await SalesData.EnrollAsync(database.DataSource, course, 4.00m, Local(day.AddDays(1), 0, 0, 0));
        await SalesData.EnrollAsync(database.DataSource, course, 8.00m, Local(day.AddDays(-1), 23, 59, 59));

        var range = new SalesRange(day.AddDays(-1), day.AddDays(1), zone);
        var queries = new SalesQueries(database.DataSource);

        var rows = await queries.ByDayAsync(range, SalesScope.All, CancellationToken.None);
        var scoped = await queries.ByDayAsync(range, new SalesScope(Guid.NewGuid()), CancellationToken.None);
        var today = await queries.CoursesInRangeAsync(range with { From = day, To = day }, SalesScope.All, CancellationToken.None);

        Assert.Equal([(day.AddDays(-1), 1L, 8.00m), (day, 2L, 3.00m), (day.AddDays(1), 1L, 4.00m)], rows.Select(r => (r.Day, r.Enrollments, r.GrossRevenue)));
        Assert.All(scoped, r => Assert.Equal((0L, 0m), (r.Enrollments, r.GrossRevenue)));
        Assert.Equal([(course, 2L, 3.00m)], today.Select(c => (c.CourseId, c.Enrollments, c.GrossRevenue)));
    }

    [Fact]
    public async Task By_day_includes_days_without_sales_and_the_previous_period_of_equal_length()
    {
        await using var database = await TestDatabase.CreateAsync();
        var instructor = await SalesData.UserAsync(database.DataSource, "Instructor");
        var course = await SalesData.CourseAsync(database.DataSource, instructor);
        var other = await SalesData.CourseAsync(database.DataSource, null);
        await SalesData.EnrollAsync(database.DataSource, course, 10m, DateTimeOffset.Parse("2026-02-03T12:00:00Z", CultureInfo.InvariantCulture));
        await SalesData.EnrollAsync(database.DataSource, course, 30m, DateTimeOffset.Parse("2026-02-10T12:00:00Z", CultureInfo.InvariantCulture));
        await SalesData.EnrollAsync(database.DataSource, other, 99m, DateTimeOffset.Parse("2026-02-10T13:00:00Z", CultureInfo.InvariantCulture));
        var range = new SalesRange(new DateOnly(2026, 2, 8), new DateOnly(2026, 2, 14), "UTC");
        var queries = new SalesQueries(database.DataSource);

        var all = await queries.ByDayAsync(range, SalesScope.All, CancellationToken.None);
        var own = await queries.ByDayAsync(range, new SalesScope(instructor), CancellationToken.None);

        Assert.Equal(7, all.Count);
        Assert.Equal(new DateOnly(2026, 2, 1), all[0].PreviousDay);
        var tenth = all.Single(d => d.Day == new DateOnly(2026, 2, 10));
        Assert.Equal((2L, 129m, 10m, 1190.0m), (tenth.Enrollments, tenth.GrossRevenue, tenth.PreviousRevenue, tenth.RevenueChangePercent!.Value));
        Assert.Equal(6, all.Count(d => d.Enrollments == 0));
        Assert.Equal((30m, 10m), (own.Sum(d => d.GrossRevenue), own.Sum(d => d.PreviousRevenue)));
    }

    [Fact]
    public async Task Instructors_see_only_their_own_courses_in_every_breakdown()
    {
        await using var database = await TestDatabase.CreateAsync();
        var ada = await SalesData.UserAsync(database.DataSource, "Instructor");
        var bob = await SalesData.UserAsync(database.DataSource, "Instructor");
        var adas = await SalesData.CourseAsync(database.DataSource, ada, "Ada's");
        var bobs = await SalesData.CourseAsync(database.DataSource, bob, "Bob's");
        var at = DateTimeOffset.Parse("2026-04-01T08:00:00Z", CultureInfo.InvariantCulture);
        await SalesData.EnrollAsync(database.DataSource, adas, 1.10m, at);
        await SalesData.EnrollAsync(database.DataSource, bobs, 2.20m, at);
        var queries = new SalesQueries(database.DataSource);
        var range = new SalesRange(new DateOnly(2026, 4, 1), new DateOnly(2026, 4, 1), "Asia/Kolkata");

        Assert.Equal(["Ada's"], (await queries.ByCourseAsync(new SalesScope(ada), CancellationToken.None)).Select(c => c.Title));
        Assert.Equal(["Ada's"], (await queries.CoursesInRangeAsync(range, new SalesScope(ada), CancellationToken.None)).Select(c => c.Title));
        Assert.Single(await queries.InstructorsInRangeAsync(range, new SalesScope(ada), CancellationToken.None));
        Assert.Equal(3.30m, (await queries.ByCourseAsync(SalesScope.All, CancellationToken.None)).Sum(c => c.GrossRevenue));
        Assert.Equal(2, (await queries.InstructorsInRangeAsync(range, SalesScope.All, CancellationToken.None)).Count);
    }

    private const string Plain = "SELECT c.title, COUNT(e.enrollment_id), SUM(e.amount_paid) FROM courses c JOIN enrollments e ON c.course_id = e.course_id GROUP BY c.title ORDER BY 1";

    [Theory]
    [InlineData("UTC")]
    [InlineData("Asia/Kolkata")]
    [InlineData("America/St_Johns")]
    [InlineData("Asia/Kathmandu")]
    [InlineData("Pacific/Kiritimati")]
    public async Task Courses_and_instructors_in_a_range_equal_a_plain_aggregate_whatever_the_zone_and_range(string zone)
    {
        await using var database = await TestDatabase.CreateAsync();
        var ada = await SalesData.UserAsync(database.DataSource, "Instructor");
        var bob = await SalesData.UserAsync(database.DataSource, "Instructor");
        var courses = new[] { await SalesData.CourseAsync(database.DataSource, ada, "A"), await SalesData.CourseAsync(database.DataSource, ada, "B"), await SalesData.CourseAsync(database.DataSource, bob, "C") };
        await using (var connection = await database.DataSource.OpenConnectionAsync())
        {
            // 3 courses x 400 students, every ~85 minutes from late January to early April: month ends and a leap of offsets.
            await connection.ExecuteAsync("""
                INSERT INTO users (email) SELECT 'student-' || i || '-' || md5(random()::text) || '@example.com' FROM generate_series(1, 400) i;
                INSERT INTO enrollments (student_id, course_id, amount_paid, enrolled_at)
                SELECT u.user_id, c, (abs(hashtext(u.email || c)) % 20000) / 100.0, timestamptz '2026-01-25 00:00Z' + (row_number() OVER () * interval '85 minutes')
                FROM users u CROSS JOIN unnest(@courses) c WHERE u.email LIKE 'student-%';
                """, new { courses });
            await connection.ExecuteAsync("SELECT sales_rollups_fold()");
            await connection.ExecuteAsync("UPDATE enrollments SET amount_paid = amount_paid + 1, enrolled_at = enrolled_at + interval '7 hours' WHERE enrollment_id % 7 = 0");
        }
        var queries = new SalesQueries(database.DataSource);
        var ranges = new[] { ("2026-02-27", "2026-03-02"), ("2026-02-28", "2026-02-28"), ("2026-01-31", "2026-03-31"), ("2026-03-10", "2026-03-16"), ("2026-01-01", "2026-12-31") };

        foreach (var (from, to) in ranges)
        {
            var range = new SalesRange(DateOnly.Parse(from, CultureInfo.InvariantCulture), DateOnly.Parse(to, CultureInfo.InvariantCulture), zone);
            var plain = await PlainInRangeAsync(database, range);

            var rows = await queries.CoursesInRangeAsync(range, SalesScope.All, CancellationToken.None);
            var adas = await queries.CoursesInRangeAsync(range, new SalesScope(ada), CancellationToken.None);
            var instructors = await queries.InstructorsInRangeAsync(range, SalesScope.All, CancellationToken.None);
            var firstPage = await queries.CoursesInRangePageAsync(range, SalesScope.All, new CourseSalesPageRequest(null, "revenue", true, 0, 2), CancellationToken.None);

            Assert.Equal(plain.OrderBy(p => p.CourseId), rows.Select(r => (r.CourseId, r.Enrollments, r.GrossRevenue)).OrderBy(p => p.CourseId));
            Assert.Equal(plain.Where(p => p.CourseId != courses[2]).OrderBy(p => p.CourseId), adas.Select(r => (r.CourseId, r.Enrollments, r.GrossRevenue)).OrderBy(p => p.CourseId));
            Assert.Equal((plain.Sum(p => p.Enrollments), plain.Sum(p => p.GrossRevenue)), (instructors.Sum(i => i.Enrollments), instructors.Sum(i => i.GrossRevenue)));
            Assert.Equal(SalesView.Apply(rows, null, "revenue", true).Take(2), firstPage.Rows);
            Assert.Equal(((long)plain.Count, plain.Sum(p => p.Enrollments), plain.Sum(p => p.GrossRevenue)), (firstPage.Matched, firstPage.Totals.Enrollments, firstPage.Totals.GrossRevenue));
        }
    }

    private static async Task<List<(int CourseId, long Enrollments, decimal GrossRevenue)>> PlainInRangeAsync(TestDatabase database, SalesRange range)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync();
        return (await connection.QueryAsync<(int, long, decimal)>("""
            SELECT course_id, count(*), sum(amount_paid) FROM enrollments
            WHERE (enrolled_at AT TIME ZONE @zone)::date BETWEEN @from::date AND @to::date GROUP BY course_id
            """, new { zone = range.TimeZone, from = range.From.ToDateTime(TimeOnly.MinValue), to = range.To.ToDateTime(TimeOnly.MinValue) })).ToList();
    }

    [Fact]
    public async Task The_seed_view_returns_the_same_rows_before_and_after_it_is_redefined_on_the_rollups()
    {
        await using var database = await TestDatabase.CreateAsync(migrated: false);
        await using var connection = await database.DataSource.OpenConnectionAsync();
        var scripts = Directory.GetFiles(RepositoryPaths.SqlDirectory, "*.sql").Order(StringComparer.Ordinal).ToList();
        foreach (var script in scripts.Where(s => string.CompareOrdinal(Path.GetFileName(s), "0006") < 0))
            await connection.ExecuteAsync(await File.ReadAllTextAsync(script));
        await connection.ExecuteAsync("""
            INSERT INTO users (email, role) SELECT 'u' || i || '@example.com', CASE WHEN i <= 5 THEN 'Instructor' ELSE 'Student' END FROM generate_series(1, 300) i;
            INSERT INTO courses (instructor_id, title, price) SELECT (SELECT user_id FROM users WHERE email = 'u' || (1 + i % 5) || '@example.com'), 'Title ' || (i % 9), 10 FROM generate_series(1, 30) i;
            INSERT INTO courses (instructor_id, title, price) VALUES (NULL, 'Never sold', 5);
            INSERT INTO enrollments (student_id, course_id, amount_paid, enrolled_at)
            SELECT u.user_id, c.course_id, (abs(hashtext(u.email || c.course_id)) % 20000) / 100.0, now() - (abs(hashtext(c.course_id || u.email)) % 1000) * interval '1 hour'
            FROM users u CROSS JOIN courses c WHERE u.role = 'Student' AND c.title <> 'Never sold' AND abs(hashtext(u.email || c.title || c.course_id)) % 3 = 0;
            INSERT INTO enrollments (student_id, course_id, amount_paid) SELECT user_id, NULL, 3.33 FROM users WHERE role = 'Student' LIMIT 3;
            """);
        const string report = "SELECT * FROM daily_sales_report ORDER BY course_name";
        var before = (await connection.QueryAsync<(string, long, decimal)>(report)).ToList();
        var definitionBefore = await connection.ExecuteScalarAsync<string>("SELECT pg_get_viewdef('daily_sales_report')");

        foreach (var script in scripts.Where(s => string.CompareOrdinal(Path.GetFileName(s), "0006") >= 0))
            await connection.ExecuteAsync(await File.ReadAllTextAsync(script));

        Assert.NotEqual(definitionBefore, await connection.ExecuteScalarAsync<string>("SELECT pg_get_viewdef('daily_sales_report')"));
        Assert.True(before.Count > 5);
        Assert.Equal(before, await connection.QueryAsync<(string, long, decimal)>(report));
        await connection.ExecuteAsync("UPDATE courses SET title = 'Title 1' WHERE title = 'Title 2'; SELECT sales_rollups_fold(); UPDATE courses SET title = 'Title 9' WHERE course_id % 4 = 0");
        Assert.Equal(await connection.QueryAsync<(string, long, decimal)>(Plain), await connection.QueryAsync<(string, long, decimal)>(report));
        var columns = await connection.QueryAsync<(string, string)>("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'daily_sales_report' ORDER BY ordinal_position");
        Assert.Equal([("course_name", "character varying"), ("total_enrollments", "bigint"), ("gross_revenue", "numeric")], columns);
        var totals = await connection.QueryAsync<(string, string)>("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'course_sales_totals' ORDER BY ordinal_position");
        Assert.Equal([("course_id", "integer"), ("enrollments", "bigint"), ("gross_revenue", "numeric")], totals);
    }
}
