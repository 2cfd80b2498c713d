using Dapper;
using TechCourse.Admin.Features.Audit;
using TechCourse.Admin.Features.Courses;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Tests.Security;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Features.Audit;

// Issue 19, section 7: price changes of a course deleted afterwards stay in the timeline and its CSV.
public sealed class DeletedCourseAuditTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private readonly PeopleAndCourses data = new(database.Database);

    private async Task<(TwoInstructors World, int Course, int[] LogIds)> AdaDeletesAChangedCourseAsync()
    {
        var world = await TwoInstructors.CreateAsync(database.DataSource);
        int course;
        int[] logIds;
        await using (var owner = await database.DataSource.OpenConnectionAsync())
        {
            course = await owner.ExecuteScalarAsync<int>("INSERT INTO courses (instructor_id, title, price) VALUES (@id, @title, 10) RETURNING course_id",
                new { id = world.Ada.UserId, title = $"Retired course {world.Tag}" });
            logIds = [await TwoInstructors.LogAsync(owner, course, 10, 12, world.Ada.UserId), await TwoInstructors.LogAsync(owner, course, 12, 9, world.Admin.UserId)];
        }
        var ada = await TestSessions.ActorAsync(database.DataSource, world.Ada.UserId, world.Ada.Email, world.Ada.Role);
        var deleted = await new CoursesStore(data.Runtime).DeleteAsync(ada, course, default);
        Assert.True(deleted.Deleted, deleted.Message);
        return (world, course, logIds);
    }

    [Fact]
    public async Task The_entries_of_a_deleted_course_stay_in_the_timeline_named_deleted_course_with_the_title_it_had()
    {
        var (world, course, logIds) = await AdaDeletesAChangedCourseAsync();
        var audit = new AuditQueries(data.Runtime);

        var admins = await audit.PageAsync(world.Admin, new AuditFilter(CourseId: course), null, 50, default);
        var all = await audit.PageAsync(world.Admin, AuditFilter.None, null, 200, default);

        Assert.Equal(logIds.Reverse(), admins.Entries.Select(e => e.LogId));
        Assert.All(admins.Entries, e => Assert.Equal($"deleted course #{course} (Retired course {world.Tag})", e.Course));
        Assert.All(admins.Entries, e => Assert.True(e.CourseDeleted));
        Assert.Contains(all.Entries, e => e.LogId == logIds[0]);
        Assert.Equal($"deleted course #{course} (Retired course {world.Tag})", await audit.CourseLabelAsync(world.Admin, course, default));
    }

    [Fact]
    public async Task The_instructor_who_owned_a_deleted_course_still_sees_its_entries_and_another_instructor_does_not()
    {
        var (world, course, logIds) = await AdaDeletesAChangedCourseAsync();
        var audit = new AuditQueries(data.Runtime);

        var adas = await audit.PageAsync(world.Ada, AuditFilter.None, null, 50, default);
        var bobs = await audit.PageAsync(world.Bob, new AuditFilter(CourseId: course), null, 50, default);
        var streamed = await audit.StreamAsync(world.Ada, new AuditFilter(CourseId: course), default).ToListAsync();

        Assert.Superset(logIds.ToHashSet(), adas.Entries.Select(e => e.LogId).ToHashSet());
        Assert.Empty(bobs.Entries);
        Assert.Null(await audit.CourseLabelAsync(world.Bob, course, default));
        Assert.Equal(logIds.Reverse(), streamed.Select(e => e.LogId));
        Assert.Contains(await audit.ActorOptionsAsync(world.Ada, world.Tag, default), o => o.Id == world.Admin.UserId.ToString());
        Assert.Single(await audit.EntriesAsync(world.Ada, AuditFilter.None, [logIds[0]], default));
    }

    [Fact]
    public async Task A_deleted_course_keeps_its_title_and_owner_as_they_were_when_it_was_deleted()
    {
        var (world, course, _) = await AdaDeletesAChangedCourseAsync();

        var row = await data.ScalarAsync<string>("SELECT title || '|' || instructor_id FROM deleted_courses WHERE course_id = @course", new { course });

        Assert.Equal($"Retired course {world.Tag}|{world.Ada.UserId}", row);
    }
}
