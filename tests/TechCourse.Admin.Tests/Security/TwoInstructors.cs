using Dapper;
using Npgsql;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Security;

// Two instructors' worlds side by side, as the owner writes them: Ada (the viewer in most tests) and Bob, each with a
// published course, a draft, a student only they teach and price changes; Ada's course also changed by an admin;
// plus an accounting account that never changed anything. Every name carries a marker a test can look for.
public sealed record TwoInstructors(
    Actor Admin, Actor Ada, Actor Bob, Actor Accountant,
    int AdaCourse, int AdaDraft, int BobCourse, int BobDraft,
    Guid AdaStudent, Guid BobStudent, string Tag)
{
    public string BobDraftTitle => $"BOB-SECRET-DRAFT {Tag}";
    public string BobCourseTitle => $"Bob course {Tag}";
    public string AdaCourseTitle => $"Ada course {Tag}";
    public string AdaStudentEmail => $"ada-only-student-{Tag}@example.com";
    public string BobStudentEmail => $"bob-only-student-{Tag}@example.com";

    public static async Task<TwoInstructors> CreateAsync(NpgsqlDataSource owner, Func<string, string, Task<Guid>>? staff = null)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        await using var connection = await owner.OpenConnectionAsync();
        async Task<Actor> Staff(string name, string role)
        {
            var email = $"{name}-{tag}@techcourse.com";
            var id = staff is null
                ? await connection.ExecuteScalarAsync<Guid>("INSERT INTO users (email, role) VALUES (@email, @role) RETURNING user_id", new { email, role })
                : await staff(email, role);
            return new Actor(id, email, role);
        }
        async Task<int> Course(Actor instructor, string title, bool published) => await connection.ExecuteScalarAsync<int>(
            "INSERT INTO courses (instructor_id, title, price, is_published) VALUES (@id, @title, 50, @published) RETURNING course_id",
            new { id = instructor.UserId, title, published });
        async Task<Guid> Student(string email, int course)
        {
            var id = await connection.ExecuteScalarAsync<Guid>("INSERT INTO users (email, role) VALUES (@email, 'Student') RETURNING user_id", new { email });
            await connection.ExecuteAsync("INSERT INTO enrollments (student_id, course_id, amount_paid) VALUES (@id, @course, 50)", new { id, course });
            return id;
        }

        var (admin, ada, bob, accountant) = (await Staff("admin", StaffRoles.Admin), await Staff("ada", StaffRoles.Instructor),
            await Staff("bob", StaffRoles.Instructor), await Staff("accountant", StaffRoles.Accounting));
        var world = new TwoInstructors(admin, ada, bob, accountant,
            await Course(ada, $"Ada course {tag}", true), await Course(ada, $"Ada draft {tag}", false),
            await Course(bob, $"Bob course {tag}", true), await Course(bob, $"BOB-SECRET-DRAFT {tag}", false),
            Guid.Empty, Guid.Empty, tag);
        world = world with { AdaStudent = await Student(world.AdaStudentEmail, world.AdaCourse), BobStudent = await Student(world.BobStudentEmail, world.BobCourse) };
        await LogAsync(connection, world.AdaCourse, 50, 55, ada.UserId);
        await LogAsync(connection, world.AdaCourse, 55, 60, admin.UserId);
        await LogAsync(connection, world.BobCourse, 50, 45, bob.UserId);
        await LogAsync(connection, world.BobDraft, 50, 40, bob.UserId);
        return world;
    }

    public static Task<int> LogAsync(NpgsqlConnection owner, int course, decimal oldPrice, decimal newPrice, Guid? by) =>
        owner.ExecuteScalarAsync<int>(
            "INSERT INTO price_changes (course_id, old_price, new_price, changed_by, source) VALUES (@course, @oldPrice, @newPrice, @by, CASE WHEN @by IS NULL THEN 'psql' ELSE 'app' END) RETURNING log_id",
            new { course, oldPrice, newPrice, by });
}
