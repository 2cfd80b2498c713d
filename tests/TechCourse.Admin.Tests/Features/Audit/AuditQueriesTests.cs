using Dapper;
using TechCourse.Admin.Features.Audit;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Features.Audit;

public sealed class AuditQueriesTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private static readonly Actor Admin = new(Guid.NewGuid(), "admin@techcourse.com", StaffRoles.Admin);
    private static readonly DateTimeOffset Jan1 = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private AuditQueries Queries => new(database.DataSource);

    [Fact]
    public async Task Paging_across_entries_with_identical_timestamps_neither_skips_nor_repeats_rows()
    {
        var (_, course) = await AuditTestData.InstructorWithCourseAsync(database.DataSource);
        var same = new DateTimeOffset(2024, 6, 1, 9, 30, 0, TimeSpan.Zero);
        var ids = new List<int>();
        for (var i = 0; i < 7; i++) ids.Add(await AuditTestData.LogAsync(database.DataSource, course, 10, 11 + i, same));
        ids.Add(await AuditTestData.LogAsync(database.DataSource, course, 10, 30, same.AddSeconds(1)));
        foreach (var filter in new[] { new AuditFilter(CourseId: course), new AuditFilter(From: new DateOnly(2024, 6, 1), To: new DateOnly(2024, 6, 1)) })
        {
            var seen = new List<int>();
            AuditCursor? cursor = null;
            do
            {
                var page = await Queries.PageAsync(Admin, filter, cursor, 3, CancellationToken.None);
                seen.AddRange(page.Entries.Select(e => e.LogId));
                cursor = page.Next;
            }
            while (cursor is not null);

            Assert.Equal(ids.OrderByDescending(id => id == ids[^1]).ThenByDescending(id => id), seen);
        }
    }

    [Fact]
    public async Task The_price_at_a_point_in_time_says_before_the_first_between_and_after_the_last_change()
    {
        var (_, course) = await AuditTestData.InstructorWithCourseAsync(database.DataSource, price: 30m);
        await AuditTestData.LogAsync(database.DataSource, course, 10, 20, Jan1);
        await AuditTestData.LogAsync(database.DataSource, course, 20, 30, Jan1.AddDays(10));

        var before = await Queries.PriceAtAsync(Admin, course, Jan1.AddDays(-1), CancellationToken.None);
        var between = await Queries.PriceAtAsync(Admin, course, Jan1.AddDays(5), CancellationToken.None);
        var exactlyAtSecond = await Queries.PriceAtAsync(Admin, course, Jan1.AddDays(10), CancellationToken.None);
        var after = await Queries.PriceAtAsync(Admin, course, Jan1.AddDays(30), CancellationToken.None);

        Assert.Equal((PricePointKind.BeforeLog, null, Jan1, 10m), (before!.Kind, before.Price, before.FirstLogged, before.PriceBeforeFirstLogged));
        Assert.Equal((PricePointKind.Between, 20m, Jan1, Jan1.AddDays(10)), (between!.Kind, between.Price, between.InForceSince, between.InForceUntil));
        Assert.Equal((PricePointKind.AfterLast, 30m), (exactlyAtSecond!.Kind, exactlyAtSecond.Price));
        Assert.Equal((PricePointKind.AfterLast, 30m, 30m, (DateTimeOffset?)null), (after!.Kind, after.Price, after.CurrentPrice, after.InForceUntil));
    }

    [Fact]
    public async Task Days_and_moments_in_a_time_zone_east_or_west_of_utc_filter_the_log_as_they_do_in_utc()
    {
        var (_, course) = await AuditTestData.InstructorWithCourseAsync(database.DataSource, price: 30m);
        var change = await AuditTestData.LogAsync(database.DataSource, course, 10, 20, Jan1);

        var tokyo = await Queries.PageAsync(Admin, new AuditFilter(CourseId: course, From: new DateOnly(2025, 1, 1), To: new DateOnly(2025, 1, 1), TimeZone: "Asia/Tokyo"), null, 50, CancellationToken.None);
        var stJohns = await Queries.StreamAsync(Admin, new AuditFilter(CourseId: course, From: new DateOnly(2025, 1, 1), TimeZone: "America/St_Johns"), CancellationToken.None).ToListAsync();
        var point = await Queries.PriceAtAsync(Admin, course, Jan1.ToOffset(TimeSpan.FromHours(5.5)).AddHours(1), CancellationToken.None);

        Assert.Equal([change], tokyo.Entries.Select(e => e.LogId));
        Assert.Equal([change], stJohns.Select(e => e.LogId));
        Assert.Equal((PricePointKind.AfterLast, 20m), (point!.Kind, point.Price));
    }

    [Fact]
    public async Task A_course_without_logged_changes_says_so_at_any_point_in_time()
    {
        var (_, course) = await AuditTestData.InstructorWithCourseAsync(database.DataSource, price: 42m);

        var point = await Queries.PriceAtAsync(Admin, course, Jan1, CancellationToken.None);

        Assert.Equal((PricePointKind.NoChangesLogged, 42m), (point!.Kind, point.CurrentPrice));
    }

    [Fact]
    public async Task An_instructor_sees_only_the_history_of_their_own_courses()
    {
        var (ada, adasCourse) = await AuditTestData.InstructorWithCourseAsync(database.DataSource);
        var (_, otherCourse) = await AuditTestData.InstructorWithCourseAsync(database.DataSource);
        var mine = await AuditTestData.LogAsync(database.DataSource, adasCourse, 10, 12, Jan1);
        var theirs = await AuditTestData.LogAsync(database.DataSource, otherCourse, 10, 12, Jan1);
        var viewer = new Actor(ada, "ada@techcourse.com", StaffRoles.Instructor);

        var page = await Queries.PageAsync(viewer, AuditFilter.None, null, 50, CancellationToken.None);
        var other = await Queries.PageAsync(viewer, new AuditFilter(CourseId: otherCourse), null, 50, CancellationToken.None);

        Assert.Equal([mine], page.Entries.Select(e => e.LogId));
        Assert.Empty(other.Entries);
        Assert.Null(await Queries.PriceAtAsync(viewer, otherCourse, Jan1, CancellationToken.None));
        Assert.Empty(await Queries.EntriesAsync(viewer, AuditFilter.None, [theirs], CancellationToken.None));
    }

    [Fact]
    public async Task Filters_keep_increases_decreases_and_changes_larger_than_a_percentage()
    {
        var (instructor, course) = await AuditTestData.InstructorWithCourseAsync(database.DataSource);
        var up5 = await AuditTestData.LogAsync(database.DataSource, course, 100, 105, Jan1);
        var up50 = await AuditTestData.LogAsync(database.DataSource, course, 100, 150, Jan1.AddHours(1));
        var down30 = await AuditTestData.LogAsync(database.DataSource, course, 100, 70, Jan1.AddHours(2));

        async Task<int[]> Ids(AuditFilter filter) => (await Queries.PageAsync(Admin, filter with { InstructorId = instructor }, null, 50, CancellationToken.None))
            .Entries.Select(e => e.LogId).ToArray();

        Assert.Equal([up50, up5], await Ids(new AuditFilter(Direction: PriceDirection.Increases)));
        Assert.Equal([down30], await Ids(new AuditFilter(Direction: PriceDirection.Decreases)));
        Assert.Equal([down30, up50], await Ids(new AuditFilter(MinPercent: 10)));
        Assert.Equal([up50], await Ids(new AuditFilter(MinPercent: 10, Direction: PriceDirection.Increases)));
        Assert.Equal([down30, up50, up5], await Ids(new AuditFilter(OutsideAppOnly: true)));
        Assert.Empty(await Ids(new AuditFilter(ActorId: Guid.NewGuid())));
    }

    [Fact]
    public async Task The_effect_of_a_change_counts_enrollments_per_day_in_the_fourteen_days_before_and_after()
    {
        var (_, course) = await AuditTestData.InstructorWithCourseAsync(database.DataSource);
        var change = await AuditTestData.LogAsync(database.DataSource, course, 50, 40, Jan1);
        await using (var connection = await database.DataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("""
                INSERT INTO users (email) SELECT 'student-' || gen_random_uuid() || '@example.com' FROM generate_series(1, 4);
                INSERT INTO enrollments (student_id, course_id, amount_paid, enrolled_at)
                SELECT u.user_id, @course, 40, @at + t.offset_days
                FROM (SELECT user_id, row_number() OVER () AS n FROM users WHERE role = 'Student' AND email LIKE 'student-%' ORDER BY user_id LIMIT 4) u
                JOIN (VALUES (1, interval '-2 hours'), (2, interval '1 hour'), (3, interval '30 hours'), (4, interval '20 days')) t(n, offset_days) ON t.n = u.n
                """, new { course, at = Jan1 });
        }

        var effect = await Queries.EffectAsync(Admin, change, CancellationToken.None);

        Assert.Equal(28, effect!.Days.Count);
        Assert.Equal((1L, 2L), (effect.Before, effect.After));
        Assert.Equal(1L, effect.Days.Single(d => d.Offset == -1).Enrollments);
        Assert.Equal(1L, effect.Days.Single(d => d.Offset == 1).Enrollments);
        Assert.Equal(1L, effect.Days.Single(d => d.Offset == 2).Enrollments);
    }
    [Fact]
    public async Task Effects_of_several_changes_in_one_call_equal_each_change_read_alone()
    {
        var (_, first) = await AuditTestData.InstructorWithCourseAsync(database.DataSource);
        var (_, second) = await AuditTestData.InstructorWithCourseAsync(database.DataSource);
        var a = await AuditTestData.LogAsync(database.DataSource, first, 50, 40, Jan1);
        var b = await AuditTestData.LogAsync(database.DataSource, second, 20, 25, Jan1.AddDays(3));
        var c = await AuditTestData.LogAsync(database.DataSource, first, 40, 45, Jan1.AddDays(5));
        await using (var connection = await database.DataSource.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("""
                WITH students AS (
                    INSERT INTO users (email) SELECT 'student-' || gen_random_uuid() || '@example.com' FROM generate_series(1, 3) RETURNING user_id),
                numbered AS (SELECT user_id, row_number() OVER (ORDER BY user_id) AS n FROM students)
                INSERT INTO enrollments (student_id, course_id, amount_paid, enrolled_at)
                SELECT u.user_id, t.course, 40, @at + t.offset_days
                FROM numbered u
                JOIN (VALUES (1, @first, interval '2 days'), (2, @second, interval '4 days'), (3, @first, interval '-3 days')) t(n, course, offset_days) ON t.n = u.n
                """, new { first, second, at = Jan1 });
        }
        var entries = (await Queries.PageAsync(Admin, AuditFilter.None, null, 50, CancellationToken.None)).Entries.Where(e => e.LogId == a || e.LogId == b || e.LogId == c).ToList();

        var together = await Queries.EffectsAsync(entries, CancellationToken.None);

        Assert.Equal(entries.Select(e => e.LogId), together.Select(e => e.Change.LogId));
        foreach (var effect in together)
        {
            var alone = await Queries.EffectAsync(Admin, effect.Change.LogId, CancellationToken.None);
            Assert.Equal(alone!.Days, effect.Days);
        }
        Assert.Contains(together, e => e.After > 0);
        Assert.Contains(together, e => e.Before > 0);
    }
}
