using Dapper;
using TechCourse.Admin.Features.Home;
using TechCourse.Admin.Features.Sales;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Infrastructure.Database;
using TechCourse.Admin.Tests.Features.Sales;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Features.Home;

public sealed class HomeQueriesTests
{
    private const string Zone = "America/New_York";

    // Two instructors' courses with sales over the last 14 months (cents included), part folded into the rollups and
    // part still deltas, then an amount correction, a delete and a student removed with their enrollments.
    private static async Task<(PeopleAndCourses People, Guid Ada, Guid Bob, int[] AdaCourses, int[] BobCourses)> SalesAsync(TestDatabase database)
    {
        var people = new PeopleAndCourses(database);
        var ada = await people.UserAsync(StaffRoles.Instructor);
        var bob = await people.UserAsync(StaffRoles.Instructor);
        int[] adaCourses = [await people.CourseAsync(ada, 10.10m, title: "Ada one"), await people.CourseAsync(ada, 20.20m, published: false, title: "Ada two")];
        int[] bobCourses = [await people.CourseAsync(bob, 99.99m, title: "Bob one")];
        var removed = await people.UserAsync("Student");
        var now = DateTimeOffset.UtcNow;
        double[] hoursAgo = [0.1, 3, 20, 30, 50, 24 * 6.5, 24 * 8, 24 * 13, 24 * 20, 24 * 29.5, 24 * 31, 24 * 45, 24 * 59, 24 * 70, 24 * 200, 24 * 366, 24 * 400];
        var n = 0;
        foreach (var hours in hoursAgo)
        {
            var at = now.AddHours(-hours);
            await people.EnrollAsOwnerAsync(n == 1 ? removed : await people.UserAsync("Student"), adaCourses[n % 2], 10.01m + n, at);
            await people.EnrollAsOwnerAsync(n == 2 ? removed : await people.UserAsync("Student"), bobCourses[0], 99.99m, at);
            if (n++ == 8) await SalesData.FoldAsync(database.DataSource);
        }
        await people.ExecuteAsync("UPDATE enrollments SET amount_paid = amount_paid + 0.37 WHERE course_id = @c AND enrolled_at > now() - interval '2 days'", new { c = adaCourses[0] });
        await people.ExecuteAsync("DELETE FROM enrollments WHERE enrollment_id = (SELECT min(enrollment_id) FROM enrollments WHERE course_id = @c)", new { c = adaCourses[1] });
        await people.ExecuteAsync("DELETE FROM users WHERE user_id = @s", new { s = removed });
        return (people, ada, bob, adaCourses, bobCourses);
    }

    [Fact]
    public async Task An_instructors_figures_equal_a_recomputation_of_their_own_courses_only()
    {
        await using var database = await TestDatabase.CreateAsync();
        var (people, ada, _, adaCourses, bobCourses) = await SalesAsync(database);

        var figures = await HomeTesting.Queries(people.Runtime).InstructorAsync(ada, Zone, CancellationToken.None);

        await HomeTesting.AssertPeriodsAsync(database.DataSource, figures.Periods, Zone, ada);
        Assert.Equal(30, figures.Last30Days.Count);
        Assert.Equal(await HomeTesting.RecomputedAsync(database.DataSource, figures.Today.AddDays(-29), figures.Today, Zone, ada),
            new SpanTotals(figures.Last30Days.Sum(d => d.Enrollments), figures.Last30Days.Sum(d => d.GrossRevenue)));
        Assert.All(figures.TopCourses, c => Assert.Contains(c.CourseId, adaCourses));
        Assert.DoesNotContain(figures.TopCourses, c => bobCourses.Contains(c.CourseId));
        Assert.Equal(adaCourses, figures.Attention.Select(a => a.CourseId));
        Assert.All(figures.Attention, a => Assert.Equal("no quiz metadata", a.MetadataProblem));
        Assert.Equal([true, false], figures.Attention.Select(a => a.IsPublished));
    }

    [Fact]
    public async Task Instructors_read_together_in_two_zones_each_get_what_the_sales_and_audit_pages_show_them_alone()
    {
        await using var database = await TestDatabase.CreateAsync();
        var (people, ada, bob, adaCourses, bobCourses) = await SalesAsync(database);
        await people.ExecuteAsync("UPDATE courses SET price = price + 1 WHERE course_id = ANY(@all)", new { all = adaCourses.Concat(bobCourses).ToArray() });
        var home = HomeTesting.Queries(people.Runtime);
        var sales = new SalesQueries(people.Runtime);
        var audit = new TechCourse.Admin.Features.Audit.AuditQueries(people.Runtime);
        InstructorScope[] scopes = [new(ada, Zone), new(bob, Zone), new(ada, "UTC"), new(bob, "Asia/Kolkata")];

        var together = await home.InstructorsAsync(scopes, CancellationToken.None);

        Assert.Equal(scopes.Length, together.Count);
        foreach (var scope in scopes)
        {
            var figures = together[scope];
            var today = SalesTimeZones.Today(scope.Zone);
            var days = await sales.DaysAsync(today.AddDays(-29), today, scope.Zone, new SalesScope(scope.InstructorId), CancellationToken.None);
            Assert.Equal(days, figures.Last30Days);
            var top = await sales.CoursesInRangePageAsync(new SalesRange(today.AddDays(-29), today, scope.Zone), new SalesScope(scope.InstructorId),
                new CourseSalesPageRequest(null, "revenue", true, 0, HomeQueries.TopCount), CancellationToken.None);
            Assert.Equal(top.Rows, figures.TopCourses);
            var changes = await audit.PageAsync(new Actor(scope.InstructorId, "", StaffRoles.Instructor), TechCourse.Admin.Features.Audit.AuditFilter.None, null,
                HomeQueries.TopCount, CancellationToken.None);
            Assert.Equal(changes.Entries, figures.LatestPriceChanges.Select(c => c.Change));
            var effects = await audit.EffectsAsync(changes.Entries, CancellationToken.None);
            Assert.Equal(effects.Select(e => (e.Before, e.After)), figures.LatestPriceChanges.Select(e => (e.Before, e.After)));
            var alone = await home.InstructorAsync(scope.InstructorId, scope.Zone, CancellationToken.None);
            Assert.Equal(alone.Attention, figures.Attention);
        }
        Assert.NotEmpty(together[new(bob, "Asia/Kolkata")].LatestPriceChanges);
        Assert.All(together[new(bob, "Asia/Kolkata")].TopCourses, c => Assert.Contains(c.CourseId, bobCourses));
    }

    [Fact]
    public async Task An_instructor_sees_only_their_own_price_changes_with_their_effect()
    {
        await using var database = await TestDatabase.CreateAsync();
        var (people, ada, _, adaCourses, bobCourses) = await SalesAsync(database);
        await people.ExecuteAsync("UPDATE courses SET price = price + 1 WHERE course_id = ANY(@all)", new { all = adaCourses.Concat(bobCourses).ToArray() });

        var figures = await HomeTesting.Queries(people.Runtime).InstructorAsync(ada, Zone, CancellationToken.None);

        Assert.Equal(adaCourses.Order(), figures.LatestPriceChanges.Select(c => c.Change.CourseId).Order());
        var first = figures.LatestPriceChanges[0];
        var before = await people.ScalarAsync<long>("SELECT count(*) FROM enrollments WHERE course_id = @c AND enrolled_at >= @at - interval '14 days' AND enrolled_at < @at",
            new { c = first.Change.CourseId, at = first.Change.ChangedAt });
        Assert.Equal(before, first.Before);
    }

    [Fact]
    public async Task Accounting_figures_equal_a_recomputation_of_the_whole_platform_in_the_reporting_zone()
    {
        await using var database = await TestDatabase.CreateAsync();
        var (people, _, bob, _, bobCourses) = await SalesAsync(database);

        var figures = await HomeTesting.Queries(people.Runtime).AccountingAsync(Zone, CancellationToken.None);

        await HomeTesting.AssertPeriodsAsync(database.DataSource, figures.Periods, Zone);
        Assert.Equal(["Today", "Month to date", "Year to date"], figures.Periods.Select(p => p.Name));
        var month = await HomeTesting.RecomputedAsync(database.DataSource, figures.ThisMonth.From, figures.Today, Zone);
        Assert.Equal(month.GrossRevenue, figures.TopCourses.Sum(c => c.GrossRevenue));
        Assert.Equal(month.GrossRevenue, figures.TopInstructors.Sum(i => i.GrossRevenue));
        Assert.Equal(bob, figures.TopInstructors[0].InstructorId);
        Assert.Equal(bobCourses[0], figures.TopCourses[0].CourseId);
    }

    [Theory]
    [InlineData("America/New_York")]
    [InlineData("Asia/Kolkata")]
    [InlineData("Australia/Lord_Howe")]
    [InlineData("UTC")]
    public async Task Span_totals_equal_a_recomputation_for_spans_over_daylight_saving_changes_and_of_a_single_day(string zone)
    {
        await using var database = await TestDatabase.CreateAsync();
        var (people, _, _, adaCourses, _) = await SalesAsync(database);
        // Sales in a UTC day's last quarter hour, folded and not: a span's whole days count to their very end.
        var midnight = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero);
        await people.EnrollAsOwnerAsync(await people.UserAsync("Student"), adaCourses[0], 7.77m, midnight.AddDays(-10).AddMinutes(-8));
        await SalesData.FoldAsync(database.DataSource);
        await people.EnrollAsOwnerAsync(await people.UserAsync("Student"), adaCourses[0], 8.88m, midnight.AddDays(-11).AddMinutes(-3));
        var today = SalesTimeZones.Today(zone);
        (DateOnly From, DateOnly To)[] spans =
        [
            (today.AddDays(-420), today), (today, today), (today.AddDays(-1), today.AddDays(-1)), (today.AddDays(-200), today.AddDays(-190)),
            (today.AddDays(-366), today.AddDays(-31)), (today.AddDays(-30), today.AddDays(-2)),
        ];

        var totals = await HomeTesting.Queries(people.Runtime).SpanTotalsAsync(spans, zone, CancellationToken.None);

        Assert.Equal(spans.Length, totals.Count);
        for (var k = 0; k < spans.Length; k++)
            Assert.Equal(await HomeTesting.RecomputedAsync(database.DataSource, spans[k].From, spans[k].To, zone), totals[k]);
        Assert.True(totals[0].Enrollments > 0, "the data has sales to add up");
    }

    [Fact]
    public async Task The_months_top_courses_and_instructors_are_the_first_five_of_the_sales_pages_ranking_of_the_month_ties_included()
    {
        await using var database = await TestDatabase.CreateAsync();
        var people = new PeopleAndCourses(database);
        var instructors = new List<Guid>();
        foreach (var email in new[] { "zed@x.test", "amy@x.test", "kim@x.test", "bea@x.test", "lou@x.test", "cal@x.test", "dan@x.test" })
            instructors.Add(await people.UserAsync(StaffRoles.Instructor, email));
        // Revenue per course this month; "beta" and "Alpha" tie (title order, case-insensitive), so do amy and bea as
        // instructors (email order). The last course's sale lies a second before the month: it is not in the month.
        (int Instructor, string Title, decimal[] Amounts)[] plan =
        [
            (0, "Zulu", [300.00m, 0.01m]), (1, "beta", [150.25m]), (2, "Alpha", [150.25m]), (3, "Delta", [100.00m, 50.25m]),
            (4, "Echo", [99.99m]), (5, "Foxtrot", [99.98m]), (6, "Golf", [10.00m]), (0, "Hotel", [5.00m]), (6, "Last month", [999.00m]),
        ];
        var zone = TimeZoneInfo.FindSystemTimeZoneById(Zone);
        var today = SalesTimeZones.Today(Zone);
        var monthStart = new DateTimeOffset(new DateTime(today.Year, today.Month, 1), zone.GetUtcOffset(new DateTime(today.Year, today.Month, 1))).ToUniversalTime();
        var now = DateTimeOffset.UtcNow;
        var k = 0;
        foreach (var (instructor, title, amounts) in plan)
        {
            var course = await people.CourseAsync(instructors[instructor], 10m, title: title);
            foreach (var amount in amounts)
            {
                var at = title == "Last month" ? monthStart.AddSeconds(-1) : k % 2 == 0 ? monthStart : now.AddSeconds(-1);
                await people.EnrollAsOwnerAsync(await people.UserAsync("Student"), course, amount, at);
                if (k++ == 4) await SalesData.FoldAsync(database.DataSource);
            }
        }

        var figures = await HomeTesting.Queries(people.Runtime).AccountingAsync(Zone, CancellationToken.None);

        var sales = new SalesQueries(people.Runtime);
        var page = await sales.CoursesInRangePageAsync(figures.ThisMonth, SalesScope.All, new CourseSalesPageRequest(null, "revenue", true, 0, 5), CancellationToken.None);
        var ranking = await sales.InstructorsInRangeAsync(figures.ThisMonth, SalesScope.All, CancellationToken.None);
        Assert.Equal(page.Rows, figures.TopCourses);
        Assert.Equal(ranking.Take(5), figures.TopInstructors);
        Assert.Equal(["Zulu", "Alpha", "beta", "Delta", "Echo"], figures.TopCourses.Select(c => c.Title));
        Assert.Equal([300.01m, 150.25m, 150.25m, 150.25m, 99.99m], figures.TopCourses.Select(c => c.GrossRevenue));
        Assert.Equal(["zed@x.test", "amy@x.test", "bea@x.test", "kim@x.test", "lou@x.test"], figures.TopInstructors.Select(i => i.InstructorEmail));
        Assert.Equal(305.01m, figures.TopInstructors[0].GrossRevenue);
        Assert.Equal(2, figures.TopInstructors[0].Courses);
    }

    [Fact]
    public async Task Admin_figures_equal_a_recomputation_after_a_cascading_user_delete()
    {
        await using var database = await TestDatabase.CreateAsync();
        var (people, _, _, _, _) = await SalesAsync(database);
        await people.UserAsync("Student", createdAt: DateTimeOffset.UtcNow.AddDays(-10));

        var figures = await HomeTesting.Queries(people.Runtime).AdminAsync(Zone, CancellationToken.None);

        await HomeTesting.AssertPeriodsAsync(database.DataSource, figures.Periods, Zone);
        var expected = await people.ScalarAsync<string>("""
            SELECT concat_ws('|', (SELECT count(*) FROM users WHERE role = 'Student'), (SELECT count(*) FROM users WHERE role = 'Instructor'),
                   (SELECT count(*) FROM courses), (SELECT count(*) FROM courses WHERE is_published), (SELECT count(*) FROM enrollments),
                   (SELECT sum(amount_paid) FROM enrollments))
            """);
        var c = figures.Counts;
        Assert.Equal(expected, $"{c.Students}|{c.Instructors}|{c.Courses}|{c.PublishedCourses}|{c.Enrollments}|{c.GrossRevenue}");
        Assert.Equal(32, c.NewStudents);
        Assert.Equal(1, c.NewStudentsBefore);
        Assert.Equal(5, figures.RecentEnrollments.Count);
    }

    [Fact]
    public async Task System_health_is_green_once_migrated_folded_and_verified_and_names_what_is_not()
    {
        await using var database = await TestDatabase.CreateAsync();
        var people = new PeopleAndCourses(database);
        var queries = HomeTesting.Queries(people.Runtime);
        var fresh = await queries.HealthAsync(CancellationToken.None);
        Assert.Equal(HealthLevel.Green, fresh.Items.Single(i => i.TestId == "health-database").Level);
        Assert.Equal(HealthLevel.Amber, fresh.Items.Single(i => i.TestId == "health-verification").Level);

        var instructor = await people.UserAsync(StaffRoles.Instructor);
        var course = await people.CourseAsync(instructor, 10m);
        await people.EnrollAsOwnerAsync(await people.UserAsync("Student"), course, 10m);
        await people.ExecuteAsync("UPDATE courses SET price = 12 WHERE course_id = @course", new { course });
        await SalesData.FoldAsync(database.DataSource);
        await new Admin.Features.Audit.AuditChain(people.Runtime).VerifyAsync(CancellationToken.None);
        var health = await queries.HealthAsync(CancellationToken.None);

        Assert.All(health.Items, i => Assert.Equal(HealthLevel.Green, i.Level));
        Assert.Contains("sealed up to #1; 0 not sealed", health.Items.Single(i => i.TestId == "health-chain").Figure, StringComparison.Ordinal);
        Assert.Contains("0 deltas waiting", health.Items.Single(i => i.TestId == "health-rollups").Figure, StringComparison.Ordinal);
        Assert.StartsWith("passed", health.Items.Single(i => i.TestId == "health-verification").Figure, StringComparison.Ordinal);
    }

    [Fact]
    public void Health_thresholds_turn_amber_and_red()
    {
        var now = DateTimeOffset.UtcNow;
        var row = new HealthRow
        {
            AppliedScripts = ["x"], SealedUpTo = 10, Unsealed = HealthRules.UnsealedRed + 1, DeltasWaiting = HealthRules.DeltasAmber + 1,
            LastFoldAt = now.AddMinutes(-2), LastVerifiedAt = now.AddDays(-2), LastVerifiedOk = true, LastVerifiedDetail = "ok", SignedInSessions = HealthRules.SessionsAmber + 1,
        };

        var health = HealthRules.Judge(row, ["x", "y"], now);

        Assert.Equal([HealthLevel.Red, HealthLevel.Red, HealthLevel.Amber, HealthLevel.Amber, HealthLevel.Amber], health.Items.Select(i => i.Level));
        Assert.Equal(HealthLevel.Red, health.Worst);
    }
}
