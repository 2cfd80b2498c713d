using Dapper;
using Npgsql;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Features.Courses;

// Each test makes its own instructors and courses (unique emails) in a class-shared database, and reads them back as
// the runtime role, so row-level security and privileges apply exactly as in the app.
public sealed class CourseTestData(TestDatabase database)
{
    public NpgsqlDataSource Runtime { get; } = NpgsqlDataSource.Create(
        new NpgsqlConnectionStringBuilder(database.ConnectionString) { Options = "-c role=techcourse_app" }.ConnectionString);

    public async Task<Actor> StaffAsync(string role, string name = "ada")
    {
        await using var connection = await database.DataSource.OpenConnectionAsync();
        var email = $"{name}-{Guid.NewGuid():N}@techcourse.com";
        var id = await connection.ExecuteScalarAsync<Guid>("INSERT INTO users (email, role) VALUES (@email, @role) RETURNING user_id", new { email, role });
        return await TestSessions.ActorAsync(database.DataSource, id, email, role);
    }

    public async Task<int> CourseAsync(Actor instructor, string title, decimal price = 50m, bool published = true, string? metadata = null)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<int>("""
            INSERT INTO courses (instructor_id, title, price, is_published, quiz_metadata) VALUES (@id, @title, @price, @published, @metadata::jsonb)
            RETURNING course_id
            """, new { id = instructor.UserId, title, price, published, metadata });
    }

    public async Task EnrollAsync(int course, int students, decimal paid)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            WITH s AS (INSERT INTO users (email, role) SELECT 'student-' || gen_random_uuid() || '@example.com', 'Student' FROM generate_series(1, @students) RETURNING user_id)
            INSERT INTO enrollments (student_id, course_id, amount_paid) SELECT user_id, @course, @paid FROM s
            """, new { course, students, paid });
    }

    public async Task<T> ScalarAsync<T>(string sql, object? args = null)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync();
        return (await connection.ExecuteScalarAsync<T>(sql, args))!;
    }
}
