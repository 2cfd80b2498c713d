using Dapper;
using TechCourse.Admin.Features.Enrollments;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Infrastructure.Database;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Features.Enrollments;

public sealed class EnrollmentsQueriesTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private readonly PeopleAndCourses data = new(database.Database);
    private EnrollmentsQueries Queries => new(data.Runtime);

    private async Task<(Actor Admin, Guid Student, int Course)> SetUpAsync(decimal price = 49.99m, bool published = true)
    {
        var admin = await data.AdminAsync();
        var course = await data.CourseAsync(await data.UserAsync(StaffRoles.Instructor), price, published);
        return (admin, await data.UserAsync(StaffRoles.Student), course);
    }

    private static EnrollRequest Request(Guid student, int course, decimal shown, decimal? amount = null, string? reason = null) =>
        new(Guid.NewGuid(), student, course, shown, amount, reason);

    [Fact]
    public async Task A_course_or_student_named_in_the_address_is_shown_to_an_instructor_only_when_it_is_in_their_world()
    {
        var (admin, student, course) = await SetUpAsync();
        await Queries.EnrollAsync(admin, Request(student, course, 49.99m), default);
        var owner = await data.ScalarAsync<Guid>("SELECT instructor_id FROM courses WHERE course_id = @course", new { course });
        var mine = new Actor(owner, "owner@example.com", StaffRoles.Instructor);
        var other = new Actor(await data.UserAsync(StaffRoles.Instructor), "other@example.com", StaffRoles.Instructor);
        var users = new TechCourse.Admin.Features.Users.UsersQueries(data.Runtime);

        Assert.Equal(course, (await Queries.CourseAsync(mine, course, default))?.CourseId);
        Assert.Equal(course, (await Queries.CourseAsync(admin, course, default))?.CourseId);
        Assert.Null(await Queries.CourseAsync(other, course, default));
        Assert.Equal(student, (await users.StudentAsync(mine, student, default))?.UserId);
        Assert.Null(await users.StudentAsync(other, student, default));
    }

    [Fact]
    public async Task An_enrollment_is_saved_at_the_current_price_with_who_saved_it()
    {
        var (admin, student, course) = await SetUpAsync(49.99m);

        var outcome = await Queries.EnrollAsync(admin, Request(student, course, 49.99m), default);

        Assert.Equal(EnrollOutcomeKind.Created, outcome.Kind);
        var row = await data.ScalarAsync<string>(
            "SELECT amount_paid || ' ' || list_price || ' ' || (enrolled_by = @by) FROM enrollments WHERE enrollment_id = @id",
            new { id = outcome.EnrollmentId, by = admin.UserId });
        Assert.Equal("49.99 49.99 true", row);
    }

    [Fact]
    public async Task A_price_change_committed_while_the_form_was_open_is_reported_and_nothing_is_saved_until_confirmed()
    {
        var (admin, student, course) = await SetUpAsync(49.99m);
        var shown = (await Queries.PublishedCourseAsync(course, default))!.Price;
        await data.ExecuteAsync("UPDATE courses SET price = 59.99 WHERE course_id = @course", new { course });

        var first = await Queries.EnrollAsync(admin, Request(student, course, shown), default);
        var confirmed = await Queries.EnrollAsync(admin, Request(student, course, first.CurrentPrice!.Value), default);

        Assert.Equal((EnrollOutcomeKind.PriceChanged, 59.99m), (first.Kind, first.CurrentPrice!.Value));
        Assert.Equal((EnrollOutcomeKind.Created, 59.99m), (confirmed.Kind, confirmed.AmountPaid!.Value));
        Assert.Equal(1L, await data.ScalarAsync<long>("SELECT count(*) FROM enrollments WHERE student_id = @student", new { student }));
    }

    [Fact]
    public async Task A_price_update_in_flight_makes_the_save_wait_and_then_report_the_new_price()
    {
        var (admin, student, course) = await SetUpAsync(20m);
        await using var other = await database.DataSource.OpenConnectionAsync();
        await using var update = await other.BeginTransactionAsync();
        await other.ExecuteAsync("UPDATE courses SET price = 25 WHERE course_id = @course", new { course }, update);

        var saving = Queries.EnrollAsync(admin, Request(student, course, 20m), default);
        await Eventually.WaitForAsync(async () =>
        {
            await using var watcher = await database.DataSource.OpenConnectionAsync();
            return await watcher.ExecuteScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'") > 0;
        }, TimeSpan.FromSeconds(30), "the save to wait for the price update's lock");
        Assert.False(saving.IsCompleted);
        await update.CommitAsync();
        var outcome = await saving;

        Assert.Equal((EnrollOutcomeKind.PriceChanged, 25m), (outcome.Kind, outcome.CurrentPrice!.Value));
        Assert.Equal(0L, await data.ScalarAsync<long>("SELECT count(*) FROM enrollments WHERE student_id = @student", new { student }));
    }

    [Fact]
    public async Task The_same_student_in_the_same_course_twice_gets_the_duplicate_message()
    {
        var (admin, student, course) = await SetUpAsync();
        await Queries.EnrollAsync(admin, Request(student, course, 49.99m), default);

        var again = await Queries.EnrollAsync(admin, Request(student, course, 49.99m), default);

        Assert.Equal(new FieldError("Course", EnrollmentsQueries.AlreadyEnrolled), again.Error);
    }

    [Fact]
    public async Task Saving_the_same_form_twice_even_at_once_creates_one_enrollment()
    {
        var (admin, student, course) = await SetUpAsync();
        var request = Request(student, course, 49.99m);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Queries.EnrollAsync(admin, request, default)));
        var later = await Queries.EnrollAsync(admin, request, default);

        Assert.Single(outcomes, o => o.Kind == EnrollOutcomeKind.Created);
        Assert.All(outcomes.Append(later), o => Assert.Equal(outcomes.Single(c => c.Kind == EnrollOutcomeKind.Created).EnrollmentId, o.EnrollmentId));
        Assert.Equal(EnrollOutcomeKind.AlreadySaved, later.Kind);
        Assert.Equal(1L, await data.ScalarAsync<long>("SELECT count(*) FROM enrollments WHERE student_id = @student", new { student }));
    }

    [Fact]
    public async Task An_unpublished_course_is_refused()
    {
        var (admin, student, course) = await SetUpAsync(published: false);

        var outcome = await Queries.EnrollAsync(admin, Request(student, course, 49.99m), default);

        Assert.Equal(EnrollmentsQueries.Constraints["enrollments_course_is_published"], outcome.Error);
        Assert.Null(await Queries.PublishedCourseAsync(course, default));
    }

    [Fact]
    public async Task Someone_who_is_not_a_student_cannot_be_enrolled()
    {
        var (admin, _, course) = await SetUpAsync();
        var instructor = await data.UserAsync(StaffRoles.Instructor);

        var outcome = await Queries.EnrollAsync(admin, Request(instructor, course, 49.99m), default);

        Assert.Equal("Student", outcome.Error?.Field);
    }

    [Theory]
    [InlineData("-0.01", "a reason", "Amount")]
    [InlineData("10.001", "a reason", "Amount")]
    [InlineData("100000000", "a reason", "Amount")]
    [InlineData("10", "   ", "Reason")]
    public async Task An_override_with_a_bad_amount_or_no_reason_is_refused(string amount, string reason, string field)
    {
        var (admin, student, course) = await SetUpAsync();

        var outcome = await Queries.EnrollAsync(admin, Request(student, course, 49.99m, decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture), reason), default);

        Assert.Equal(field, outcome.Error?.Field);
        Assert.Equal(0L, await data.ScalarAsync<long>("SELECT count(*) FROM enrollments WHERE student_id = @student", new { student }));
    }

    [Fact]
    public async Task An_admin_override_is_saved_with_its_reason_and_the_list_price()
    {
        var (admin, student, course) = await SetUpAsync(49.99m);

        var outcome = await Queries.EnrollAsync(admin, Request(student, course, 40m, 0m, " scholarship "), default);

        Assert.Equal((EnrollOutcomeKind.Created, 0m), (outcome.Kind, outcome.AmountPaid!.Value));
        Assert.Equal("0.00 49.99 scholarship", await data.ScalarAsync<string>(
            "SELECT amount_paid || ' ' || list_price || ' ' || amount_override_reason FROM enrollments WHERE enrollment_id = @id", new { id = outcome.EnrollmentId }));
    }

    [Theory]
    [InlineData(StaffRoles.Accounting)]
    [InlineData(StaffRoles.Instructor)]
    public async Task Only_an_admin_may_enroll(string role)
    {
        var (_, student, course) = await SetUpAsync();
        var staff = await data.StaffAsync(role);

        var outcome = await Queries.EnrollAsync(staff, Request(student, course, 49.99m), default);

        Assert.Equal(DatabaseErrors.NotAllowed, outcome.Error?.Message);
    }

    [Fact]
    public async Task Keyset_pages_by_course_student_and_date_range_visit_each_enrollment_once_newest_first()
    {
        var instructor = await data.UserAsync(StaffRoles.Instructor);
        var course = await data.CourseAsync(instructor, 10m);
        var at = new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
        var students = new List<Guid>();
        for (var i = 0; i < 9; i++)
        {
            var student = await data.UserAsync(StaffRoles.Student);
            students.Add(student);
            await data.EnrollAsOwnerAsync(student, course, 10m, i < 4 ? at : at.AddDays(i));
        }
        var accounting = await data.StaffAsync(StaffRoles.Accounting);

        var all = await WalkAsync(accounting, new EnrollmentFilter(CourseId: course));
        var ranged = await WalkAsync(accounting, new EnrollmentFilter(CourseId: course, From: at.AddDays(5), To: at.AddDays(8)));
        var one = await WalkAsync(accounting, new EnrollmentFilter(StudentId: students[6]));

        Assert.Equal(students.Order(), all.Select(r => r.StudentId).Order());
        Assert.Equal(all.OrderByDescending(r => r.EnrolledAt).ThenByDescending(r => r.EnrollmentId).Select(r => r.EnrollmentId), all.Select(r => r.EnrollmentId));
        Assert.Equal(students.Skip(5).Take(3).Order(), ranged.Select(r => r.StudentId).Order());
        Assert.Equal(students[6], Assert.Single(one).StudentId);
        Assert.True((await Queries.PageAsync(accounting, new EnrollmentFilter(CourseId: course), null, default)).Estimate >= 1);
    }

    [Fact]
    public async Task An_instructor_sees_the_enrollments_of_their_own_courses_only()
    {
        var mine = await data.StaffAsync(StaffRoles.Instructor);
        var theirs = await data.UserAsync(StaffRoles.Instructor);
        var student = await data.UserAsync(StaffRoles.Student);
        var myCourse = await data.CourseAsync(mine.UserId, 10m);
        await data.EnrollAsOwnerAsync(student, myCourse, 10m);
        await data.EnrollAsOwnerAsync(student, await data.CourseAsync(theirs, 10m), 10m);

        var rows = await WalkAsync(mine, new EnrollmentFilter(StudentId: student));

        Assert.Equal(myCourse, Assert.Single(rows).CourseId);
    }

    [Fact]
    public async Task An_instructors_pages_merge_their_courses_newest_first_and_skip_other_instructors_courses()
    {
        var mine = await data.StaffAsync(StaffRoles.Instructor);
        var theirs = await data.UserAsync(StaffRoles.Instructor);
        var courses = new[] { await data.CourseAsync(mine.UserId, 10m), await data.CourseAsync(mine.UserId, 20m), await data.CourseAsync(mine.UserId, 30m) };
        var other = await data.CourseAsync(theirs, 10m);
        var at = new DateTimeOffset(2026, 1, 5, 12, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 11; i++)
        {
            var student = await data.UserAsync(StaffRoles.Student);
            await data.EnrollAsOwnerAsync(student, courses[i % 3], 10m, i < 3 ? at : at.AddHours(i * 7 % 11));
            await data.EnrollAsOwnerAsync(student, other, 10m, at.AddHours(i));
        }

        var all = await WalkAsync(mine, new EnrollmentFilter());
        var ranged = await WalkAsync(mine, new EnrollmentFilter(From: at.AddHours(1), To: at.AddHours(9)));
        var first = await Queries.PageAsync(mine, new EnrollmentFilter(), null, default, pageSize: 4);

        Assert.Equal(11, all.Count);
        Assert.All(all, r => Assert.Contains(r.CourseId, courses));
        Assert.Equal(all.OrderByDescending(r => r.EnrolledAt).ThenByDescending(r => r.EnrollmentId).Select(r => r.EnrollmentId), all.Select(r => r.EnrollmentId));
        Assert.Equal(all.Where(r => r.EnrolledAt >= at.AddHours(1) && r.EnrolledAt < at.AddHours(9)).Select(r => r.EnrollmentId), ranged.Select(r => r.EnrollmentId));
        Assert.True(first.Estimate >= 1);
    }

    [Fact]
    public async Task The_export_stream_gives_exactly_the_filtered_rows()
    {
        var instructor = await data.UserAsync(StaffRoles.Instructor);
        var course = await data.CourseAsync(instructor, 10m);
        for (var i = 0; i < 120; i++)
            await data.EnrollAsOwnerAsync(await data.UserAsync(StaffRoles.Student), course, 10m + i, DateTimeOffset.UtcNow.AddMinutes(-i));
        var admin = await data.AdminAsync();
        var filter = new EnrollmentFilter(CourseId: course);

        var streamed = new List<EnrollmentRow>();
        await foreach (var row in Queries.StreamAsync(admin, filter, default)) streamed.Add(row);

        Assert.Equal((await WalkAsync(admin, filter)).Select(r => r.EnrollmentId).Order(), streamed.Select(r => r.EnrollmentId).Order());
        Assert.Equal(Enumerable.Range(0, 120).Sum(i => 10m + i), streamed.Sum(r => r.AmountPaid));
    }

    [Fact]
    public async Task Published_course_autocomplete_leaves_out_unpublished_courses()
    {
        var instructor = await data.UserAsync(StaffRoles.Instructor);
        var tag = Guid.NewGuid().ToString("N")[..8];
        var published = await data.CourseAsync(instructor, 10m, true, $"Rust {tag} basics");
        await data.CourseAsync(instructor, 10m, false, $"Rust {tag} draft");

        var found = await Queries.PublishedCoursesMatchingAsync(tag, default);

        Assert.Equal(published, Assert.Single(found).CourseId);
    }

    private async Task<List<EnrollmentRow>> WalkAsync(Actor viewer, EnrollmentFilter filter)
    {
        var rows = new List<EnrollmentRow>();
        EnrollmentCursor? cursor = null;
        do
        {
            var page = await Queries.PageAsync(viewer, filter, cursor, default, pageSize: 4);
            rows.AddRange(page.Rows);
            cursor = page.Next;
        } while (cursor is not null);
        return rows;
    }
}
