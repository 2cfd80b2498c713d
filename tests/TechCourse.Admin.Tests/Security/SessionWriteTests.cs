using Dapper;
using Npgsql;
using TechCourse.Admin.Features.Courses;
using TechCourse.Admin.Features.Enrollments;
using TechCourse.Admin.Features.Users;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Infrastructure.Database;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Security;

// An open circuit keeps its principal until the next revalidation, but the database resolves the session at write
// time: a write after the session ended (or the role changed) is refused at once, with a message, and nothing changes.
public sealed class SessionWriteTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task A_price_change_after_the_role_changed_is_refused_at_once_and_changes_nothing()
    {
        var people = new PeopleAndCourses(database.Database);
        var ada = await people.StaffAsync(StaffRoles.Instructor);
        var course = await people.CourseAsync(ada.UserId, 50m);
        var store = new CoursesStore(people.Runtime);
        Assert.True((await store.UpdatePriceAsync(ada, course, 50m, 55m, null, default)).Succeeded);

        await people.ExecuteAsync("UPDATE users SET role = 'Accounting' WHERE user_id = @id", new { id = ada.UserId });
        var refused = await store.UpdatePriceAsync(ada, course, 55m, 60m, null, default);

        Assert.Equal(DatabaseErrors.SessionEnded, refused.Error?.Message);
        Assert.Equal(55m, await people.ScalarAsync<decimal>("SELECT price FROM courses WHERE course_id = @course", new { course }));
        Assert.Equal(1L, await people.ScalarAsync<long>("SELECT count(*) FROM price_changes WHERE course_id = @course", new { course }));
    }

    [Fact]
    public async Task An_admins_writes_after_signing_out_everywhere_are_refused_at_once()
    {
        var people = new PeopleAndCourses(database.Database);
        var admin = await people.AdminAsync();
        var student = await people.UserAsync(StaffRoles.Student);
        var course = await people.CourseAsync(await people.UserAsync(StaffRoles.Instructor), 30m);
        var users = new UsersQueries(people.Runtime);
        var enrollments = new EnrollmentsQueries(people.Runtime);

        await new SessionStore(people.Runtime).EndAsync(admin.Session!, everywhere: true, default);
        var created = await users.CreateAsync(admin, people.Email("late"), StaffRoles.Accounting, default);
        var enrolled = await enrollments.EnrollAsync(admin, new EnrollRequest(Guid.NewGuid(), student, course, 30m, null, null), default);

        Assert.Equal(DatabaseErrors.SessionEnded, created.Error?.Message);
        Assert.Equal(DatabaseErrors.SessionEnded, enrolled.Error?.Message);
        Assert.Equal(0L, await people.ScalarAsync<long>("SELECT count(*) FROM enrollments WHERE student_id = @student", new { student }));
    }

    [Fact]
    public async Task The_audit_log_names_the_user_of_the_session_whatever_the_actor_claims()
    {
        var people = new PeopleAndCourses(database.Database);
        var ada = await people.StaffAsync(StaffRoles.Instructor);
        var admin = await people.AdminAsync();
        var course = await people.CourseAsync(ada.UserId, 40m);

        var claimed = ada with { UserId = admin.UserId, Role = StaffRoles.Admin };
        Assert.True((await new CoursesStore(people.Runtime).UpdatePriceAsync(claimed, course, 40m, 41m, null, default)).Succeeded);

        Assert.Equal(ada.UserId, await people.ScalarAsync<Guid>("SELECT changed_by FROM price_changes WHERE course_id = @course", new { course }));
    }
}
