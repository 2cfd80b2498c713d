using Dapper;
using TechCourse.Admin.Features.Audit;
using TechCourse.Admin.Features.Enrollments;
using TechCourse.Admin.Features.Users;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Security;

// Issue 19, section 4, at the query layer, run as the runtime role with a second instructor's data present.
public sealed class InstructorScopeQueryTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private readonly PeopleAndCourses data = new(database.Database);

    private Task<TwoInstructors> WorldAsync() => TwoInstructors.CreateAsync(database.DataSource);

    [Fact]
    public async Task The_student_filter_suggests_to_an_instructor_only_students_of_their_own_courses()
    {
        var world = await WorldAsync();
        var users = new UsersQueries(data.Runtime);

        var adas = await users.StudentsMatchingAsync(world.Ada, world.Tag, default);
        var admins = await users.StudentsMatchingAsync(world.Admin, $"only-student-{world.Tag}", default);

        Assert.Equal([world.AdaStudentEmail], adas.Select(s => s.Email));
        Assert.Equal([world.AdaStudentEmail, world.BobStudentEmail], admins.Select(s => s.Email).Order(StringComparer.Ordinal));
        Assert.Empty(await users.StudentsMatchingAsync(world.Ada, "bob-only", default));
    }

    [Fact]
    public async Task The_course_filter_offers_an_instructor_only_their_own_courses()
    {
        var world = await WorldAsync();
        var queries = new EnrollmentsQueries(data.Runtime);

        var adas = await queries.CoursesMatchingAsync(world.Ada, world.Tag, default);
        var accountants = await queries.CoursesMatchingAsync(world.Accountant, world.Tag, default);

        Assert.Equal([world.AdaCourse, world.AdaDraft], adas.Select(c => c.CourseId).Order());
        Assert.Equal(4, accountants.Count);
    }

    [Fact]
    public async Task An_instructor_learns_nothing_of_a_course_that_is_not_theirs_it_looks_like_one_that_does_not_exist()
    {
        var world = await WorldAsync();
        var audit = new AuditQueries(data.Runtime);

        Assert.Null(await audit.CourseLabelAsync(world.Ada, world.BobDraft, default));
        Assert.Null(await audit.CourseLabelAsync(world.Ada, int.MaxValue, default));
        Assert.Equal($"{world.AdaCourseTitle} (#{world.AdaCourse})", await audit.CourseLabelAsync(world.Ada, world.AdaCourse, default));
        Assert.Equal($"{world.BobDraftTitle} (#{world.BobDraft})", await audit.CourseLabelAsync(world.Admin, world.BobDraft, default));
        Assert.Empty((await audit.PageAsync(world.Ada, new AuditFilter(CourseId: world.BobDraft), null, 50, default)).Entries);
        Assert.Equal([world.AdaCourse, world.AdaDraft], (await audit.CourseOptionsAsync(world.Ada, world.Tag, default)).Select(o => int.Parse(o.Id, null)).Order());
        Assert.Equal(4, (await audit.CourseOptionsAsync(world.Admin, world.Tag, default)).Count);
    }

    [Fact]
    public async Task An_instructor_sees_an_actor_only_if_that_actor_changed_one_of_their_courses()
    {
        var world = await WorldAsync();
        var audit = new AuditQueries(data.Runtime);

        Assert.Null(await audit.ActorLabelAsync(world.Ada, world.Bob.UserId, default));
        Assert.Null(await audit.ActorLabelAsync(world.Ada, world.Accountant.UserId, default));
        Assert.Equal($"{world.Admin.Email} (Admin)", await audit.ActorLabelAsync(world.Ada, world.Admin.UserId, default));
        Assert.Equal($"{world.Bob.Email} (Instructor)", await audit.ActorLabelAsync(world.Admin, world.Bob.UserId, default));
        Assert.Empty((await audit.PageAsync(world.Ada, new AuditFilter(ActorId: world.Bob.UserId), null, 50, default)).Entries);
    }

    [Fact]
    public async Task The_changed_by_filter_lists_for_an_instructor_only_the_actors_of_their_courses_changes()
    {
        var world = await WorldAsync();
        var audit = new AuditQueries(data.Runtime);

        var adas = await audit.ActorOptionsAsync(world.Ada, world.Tag, default);
        var admins = await audit.ActorOptionsAsync(world.Admin, world.Tag, default);

        Assert.Equal([$"{world.Ada.Email} (Instructor)", $"{world.Admin.Email} (Admin)"], adas.Select(o => o.Label).Order(StringComparer.Ordinal));
        Assert.Equal(4, admins.Count);
    }

    [Fact]
    public async Task The_instructor_filter_and_its_labels_are_an_admins_only()
    {
        var world = await WorldAsync();
        var audit = new AuditQueries(data.Runtime);

        Assert.Empty(await audit.InstructorOptionsAsync(world.Ada, world.Tag, default));
        Assert.Null(await audit.InstructorLabelAsync(world.Ada, world.Bob.UserId, default));
        Assert.Equal(2, (await audit.InstructorOptionsAsync(world.Admin, world.Tag, default)).Count);
        Assert.Equal($"{world.Bob.Email} (Instructor)", await audit.InstructorLabelAsync(world.Admin, world.Bob.UserId, default));
    }

    [Fact]
    public async Task A_search_holding_a_nul_matches_nothing_instead_of_failing_in_the_database()
    {
        var world = await WorldAsync();
        var audit = new AuditQueries(data.Runtime);

        Assert.Empty(await audit.CourseOptionsAsync(world.Admin, "a\0b", default));
        Assert.Empty(await audit.ActorOptionsAsync(world.Admin, "\0", default));
        Assert.Empty(await new EnrollmentsQueries(data.Runtime).CoursesMatchingAsync(world.Admin, "Ada\0", default));
        Assert.Empty(await new UsersQueries(data.Runtime).StudentsMatchingAsync(world.Admin, "ada\0only", default));
        Assert.Empty((await new UsersQueries(data.Runtime).PageAsync(new UserFilter("x\0y", null, UserSort.EmailAscending), null, default)).Rows);
    }

    [Fact]
    public async Task The_runtime_role_cannot_write_the_deleted_courses_it_only_reads_them()
    {
        await using var connection = await data.Runtime.OpenConnectionAsync();

        var error = await Assert.ThrowsAsync<Npgsql.PostgresException>(() =>
            connection.ExecuteAsync("INSERT INTO deleted_courses (course_id, title) VALUES (-1, 'forged')"));

        Assert.Equal("42501", error.SqlState);
        Assert.Equal(0L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM deleted_courses WHERE course_id = -1"));
    }
}
