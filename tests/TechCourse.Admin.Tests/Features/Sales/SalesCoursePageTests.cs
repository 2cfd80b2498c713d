using System.Globalization;
using Dapper;
using TechCourse.Admin.Features.Sales;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Features.Sales;

public sealed class SalesCoursePageTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.Parse("2026-05-04T10:00:00Z", CultureInfo.InvariantCulture);

    [Fact]
    public async Task Every_sort_in_both_directions_pages_through_the_courses_in_the_order_the_export_uses()
    {
        await using var database = await TestDatabase.CreateAsync();
        var ada = await SalesData.UserAsync(database.DataSource, "Instructor");
        var bob = await SalesData.UserAsync(database.DataSource, "Instructor");
        var formerStaff = await SalesData.UserAsync(database.DataSource, "Student");
        // Ties everywhere: equal revenue, equal enrollments, titles equal but for case, '_' against letters, no instructor,
        // an instructor who is no longer staff.
        var courses = new[]
        {
            (ada, "alpha", new[] { 5.00m }), (bob, "Alpha", new[] { 5.00m }), (ada, "a_b", new[] { 2.50m, 2.50m }),
            (bob, "aZ", new[] { 1.25m }), ((Guid?)null, "Zeta", new[] { 9.99m, 0.01m }), (ada, "beta", new[] { 10.00m }),
            (bob, "Gamma", new[] { 0.10m, 0.20m, 0.30m }), (formerStaff, "Delta", new[] { 3.00m }),
        };
        foreach (var (instructor, title, amounts) in courses)
        {
            var course = await SalesData.CourseAsync(database.DataSource, instructor, title);
            foreach (var amount in amounts) await SalesData.EnrollAsync(database.DataSource, course, amount, At);
        }
        await SalesData.FoldAsync(database.DataSource);
        var queries = new SalesQueries(database.DataSource);
        var all = await queries.ByCourseAsync(SalesScope.All, CancellationToken.None);

        foreach (var sort in SalesView.SortColumns)
            foreach (var descending in new[] { true, false })
            {
                var expected = SalesView.Apply(all, null, sort, descending);
                var paged = new List<CourseSales>();
                for (var offset = 0; offset < all.Count; offset += 2)
                {
                    var page = await queries.ByCoursePageAsync(SalesScope.All, new CourseSalesPageRequest(null, sort, descending, offset, 2), CancellationToken.None);
                    Assert.Equal((8L, 12L, 39.85m), (page.Matched, page.Totals.Enrollments, page.Totals.GrossRevenue));
                    paged.AddRange(page.Rows);
                }
                Assert.Equal(expected, paged);
            }
    }

    [Fact]
    public async Task The_totals_cover_every_matched_course_not_only_the_page_and_equal_the_full_list_to_the_cent()
    {
        await using var database = await TestDatabase.CreateAsync();
        for (var i = 0; i < 12; i++)
        {
            var course = await SalesData.CourseAsync(database.DataSource, null, $"Course {i}");
            await SalesData.EnrollAsync(database.DataSource, course, 0.01m * (i + 1) + 19.99m, At);
            await SalesData.EnrollAsync(database.DataSource, course, 0.07m, At);
        }
        var unsold = await SalesData.CourseAsync(database.DataSource, null, "Course never sold");
        var queries = new SalesQueries(database.DataSource);
        var all = await queries.ByCourseAsync(SalesScope.All, CancellationToken.None);

        var page = await queries.ByCoursePageAsync(SalesScope.All, new CourseSalesPageRequest(null, "revenue", true, 0, 5), CancellationToken.None);
        var pastTheEnd = await queries.ByCoursePageAsync(SalesScope.All, new CourseSalesPageRequest(null, "revenue", true, 100, 25), CancellationToken.None);

        Assert.Equal(all.Take(5), page.Rows);
        Assert.DoesNotContain(unsold, all.Select(c => c.CourseId));
        Assert.Equal((12L, 24L, all.Sum(c => c.GrossRevenue)), (page.Matched, page.Totals.Enrollments, page.Totals.GrossRevenue));
        Assert.Equal(241.50m, page.Totals.GrossRevenue);
        Assert.Empty(pastTheEnd.Rows);
        Assert.Equal(page.Totals, pastTheEnd.Totals);
        Assert.Equal(12L, pastTheEnd.Matched);
    }

    [Fact]
    public async Task Pending_sales_and_refunds_reorder_the_top_courses_and_their_totals_before_a_fold()
    {
        await using var database = await TestDatabase.CreateAsync();
        var leader = await SalesData.CourseAsync(database.DataSource, null, "Leader");
        var second = await SalesData.CourseAsync(database.DataSource, null, "Second");
        var third = await SalesData.CourseAsync(database.DataSource, null, "Third");
        await SalesData.EnrollAsync(database.DataSource, leader, 100m, At);
        await SalesData.EnrollAsync(database.DataSource, leader, 50m, At);
        await SalesData.EnrollAsync(database.DataSource, second, 120m, At);
        await SalesData.EnrollAsync(database.DataSource, third, 30m, At);
        await SalesData.FoldAsync(database.DataSource);
        var queries = new SalesQueries(database.DataSource);
        var firstTwo = new CourseSalesPageRequest(null, "revenue", true, 0, 2);
        Assert.Equal([leader, second], (await queries.ByCoursePageAsync(SalesScope.All, firstTwo, CancellationToken.None)).Rows.Select(r => r.CourseId));

        // Not folded yet: the leader loses its 100 (a refund deletes the enrollment), the third sells 95.00 more.
        await using (var connection = await database.DataSource.OpenConnectionAsync())
            await connection.ExecuteAsync("DELETE FROM enrollments WHERE course_id = @leader AND amount_paid = 100", new { leader });
        await SalesData.EnrollAsync(database.DataSource, third, 95m, At);
        await using (var connection = await database.DataSource.OpenConnectionAsync())
            Assert.True(await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM sales_deltas") > 0);

        var pending = await queries.ByCoursePageAsync(SalesScope.All, firstTwo, CancellationToken.None);
        await SalesData.FoldAsync(database.DataSource);
        var folded = await queries.ByCoursePageAsync(SalesScope.All, firstTwo, CancellationToken.None);

        Assert.Equal([(third, 2L, 125m), (second, 1L, 120m)], pending.Rows.Select(r => (r.CourseId, r.Enrollments, r.GrossRevenue)));
        Assert.Equal((3L, 4L, 295m), (pending.Matched, pending.Totals.Enrollments, pending.Totals.GrossRevenue));
        Assert.Equal(pending, folded with { Rows = pending.Rows });
        Assert.Equal(pending.Rows, folded.Rows);
    }

    [Fact]
    public async Task Search_matches_a_title_or_an_instructor_email_whatever_the_case_and_its_wildcards_match_only_themselves()
    {
        await using var database = await TestDatabase.CreateAsync();
        var ada = await SalesData.UserAsync(database.DataSource, "Instructor");
        var intro = await SalesData.CourseAsync(database.DataSource, null, "Intro to SQL");
        var tuning = await SalesData.CourseAsync(database.DataSource, null, "sql_tuning");
        var adas = await SalesData.CourseAsync(database.DataSource, ada, "Docker 100%");
        foreach (var (course, amount) in new[] { (intro, 1.11m), (tuning, 2.22m), (adas, 4.44m) })
            await SalesData.EnrollAsync(database.DataSource, course, amount, At);
        var queries = new SalesQueries(database.DataSource);
        string adasEmail;
        await using (var connection = await database.DataSource.OpenConnectionAsync())
            adasEmail = await connection.ExecuteScalarAsync<string>("SELECT email FROM users WHERE user_id = @ada", new { ada }) ?? "";

        async Task<CourseSalesPage> Search(string term) =>
            await queries.ByCoursePageAsync(SalesScope.All, new CourseSalesPageRequest(term, "course", false, 0, 25), CancellationToken.None);

        var sql = await Search("  SQL ");
        Assert.Equal([intro, tuning], sql.Rows.Select(r => r.CourseId));
        Assert.Equal((2L, 2L, 3.33m), (sql.Matched, sql.Totals.Enrollments, sql.Totals.GrossRevenue));
        Assert.Equal([tuning], (await Search("_")).Rows.Select(r => r.CourseId));
        Assert.Equal([adas], (await Search("0%")).Rows.Select(r => r.CourseId));
        Assert.Equal([adas], (await Search(adasEmail.Split('@')[0][^12..].ToUpperInvariant())).Rows.Select(r => r.CourseId));
        var none = await Search("no such course\0");
        Assert.Equal((0L, 0L, 0m), (none.Matched, none.Totals.Enrollments, none.Totals.GrossRevenue));
        Assert.Empty((await Search("kubernetes")).Rows);
    }

    [Fact]
    public async Task An_instructor_pages_counts_and_totals_only_their_own_courses()
    {
        await using var database = await TestDatabase.CreateAsync();
        var ada = await SalesData.UserAsync(database.DataSource, "Instructor");
        var bob = await SalesData.UserAsync(database.DataSource, "Instructor");
        var adas = await SalesData.CourseAsync(database.DataSource, ada, "Shared title");
        var bobs = await SalesData.CourseAsync(database.DataSource, bob, "Shared title");
        await SalesData.EnrollAsync(database.DataSource, adas, 3.00m, At);
        await SalesData.EnrollAsync(database.DataSource, bobs, 7.00m, At);
        var queries = new SalesQueries(database.DataSource);

        var own = await queries.ByCoursePageAsync(new SalesScope(ada), new CourseSalesPageRequest("shared", "instructor", true, 0, 50), CancellationToken.None);
        var stranger = await queries.ByCoursePageAsync(new SalesScope(Guid.NewGuid()), new CourseSalesPageRequest(null, "revenue", true, 0, 50), CancellationToken.None);

        Assert.Equal([adas], own.Rows.Select(r => r.CourseId));
        Assert.StartsWith("instructor-", own.Rows[0].InstructorEmail, StringComparison.Ordinal);
        Assert.Equal((1L, 1L, 3.00m), (own.Matched, own.Totals.Enrollments, own.Totals.GrossRevenue));
        Assert.Equal((0L, 0m), (stranger.Matched, stranger.Totals.GrossRevenue));
    }

    [Fact]
    public async Task The_courses_in_a_range_page_sort_search_and_total_only_the_sales_inside_the_range()
    {
        await using var database = await TestDatabase.CreateAsync();
        var ada = await SalesData.UserAsync(database.DataSource, "Instructor");
        var range = new SalesRange(new DateOnly(2026, 4, 28), new DateOnly(2026, 5, 4), "UTC");
        var inside = new[] { At, At.AddDays(-6), DateTimeOffset.Parse("2026-04-30T23:59:59Z", CultureInfo.InvariantCulture) };
        var outside = new[] { At.AddDays(-7), DateTimeOffset.Parse("2026-05-05T00:00:00Z", CultureInfo.InvariantCulture) };
        var ids = new List<int>();
        for (var i = 0; i < 7; i++)
        {
            var course = await SalesData.CourseAsync(database.DataSource, i % 2 == 0 ? ada : null, $"Course {(char)('A' + i)}");
            ids.Add(course);
            await SalesData.EnrollAsync(database.DataSource, course, 1.01m * (i % 3 + 1), inside[i % 3]);
            await SalesData.EnrollAsync(database.DataSource, course, 100m, outside[i % 2]);
        }
        await SalesData.EnrollAsync(database.DataSource, await SalesData.CourseAsync(database.DataSource, ada, "Sold outside only"), 50m, outside[0]);
        await SalesData.FoldAsync(database.DataSource);
        await SalesData.EnrollAsync(database.DataSource, ids[1], 0.05m, At);
        var queries = new SalesQueries(database.DataSource);
        var all = await queries.CoursesInRangeAsync(range, SalesScope.All, CancellationToken.None);

        foreach (var sort in SalesView.SortColumns)
            foreach (var descending in new[] { true, false })
            {
                var paged = new List<CourseSales>();
                for (var offset = 0; offset < all.Count; offset += 3)
                {
                    var page = await queries.CoursesInRangePageAsync(range, SalesScope.All, new CourseSalesPageRequest(null, sort, descending, offset, 3), CancellationToken.None);
                    Assert.Equal((7L, 8L, 13.18m), (page.Matched, page.Totals.Enrollments, page.Totals.GrossRevenue));
                    paged.AddRange(page.Rows);
                }
                Assert.Equal(SalesView.Apply(all, null, sort, descending), paged);
            }
        var searched = await queries.CoursesInRangePageAsync(range, SalesScope.All, new CourseSalesPageRequest("course b", "revenue", true, 0, 25), CancellationToken.None);
        var adas = await queries.CoursesInRangePageAsync(range, new SalesScope(ada), new CourseSalesPageRequest(null, "course", false, 0, 25), CancellationToken.None);
        Assert.Equal([(ids[1], 2L, 2.07m)], searched.Rows.Select(r => (r.CourseId, r.Enrollments, r.GrossRevenue)));
        Assert.Equal([ids[0], ids[2], ids[4], ids[6]], adas.Rows.Select(r => r.CourseId));
        Assert.Equal((4L, 4L, 7.07m), (adas.Matched, adas.Totals.Enrollments, adas.Totals.GrossRevenue));
    }

    [Theory]
    [InlineData("price; DROP TABLE courses", 0, 50, "Sort by one of")]
    [InlineData("revenue", -1, 50, "before the first course")]
    [InlineData("revenue", int.MaxValue, 50, "past the last course")]
    [InlineData("revenue", 0, 0, "between 1 and 100")]
    [InlineData("revenue", 0, 1000, "between 1 and 100")]
    public async Task A_request_the_grid_cannot_make_is_refused_with_a_clear_message(string sort, int offset, int limit, string message)
    {
        await using var database = await TestDatabase.CreateAsync();
        var queries = new SalesQueries(database.DataSource);

        var refused = await Assert.ThrowsAsync<ArgumentException>(() =>
            queries.ByCoursePageAsync(SalesScope.All, new CourseSalesPageRequest(null, sort, true, offset, limit), CancellationToken.None));

        Assert.Contains(message, refused.Message, StringComparison.Ordinal);
    }
}
