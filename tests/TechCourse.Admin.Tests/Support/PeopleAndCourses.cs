using Dapper;
using Npgsql;
using TechCourse.Admin.Infrastructure.Auth;

namespace TechCourse.Admin.Tests.Support;

// Rows a test needs, inserted as the owner with unique emails; queries under test run as the runtime role.
public sealed class PeopleAndCourses(TestDatabase database)
{
    private readonly string run = Guid.NewGuid().ToString("N")[..8];
    private int sequence;

    // The app's role: what the pages can do, whatever the owner could.
    public NpgsqlDataSource Runtime { get; } = NpgsqlDataSource.Create(database.ConnectionString + ";Options=-c role=techcourse_app");

    public string Email(string name) => $"{name}-{run}-{Interlocked.Increment(ref sequence)}@example.com";

    public async Task<Guid> UserAsync(string role, string? email = null, DateTimeOffset? createdAt = null)
    {
        await using var owner = await database.DataSource.OpenConnectionAsync();
        return await owner.ExecuteScalarAsync<Guid>(
            "INSERT INTO users (email, role, created_at) VALUES (@email, @role, coalesce(@createdAt, now())) RETURNING user_id",
            new { email = email ?? Email(role.ToLowerInvariant()), role, createdAt });
    }

    // A staff member signed in: their writes go through a live session.
    public async Task<Actor> AdminAsync() => await StaffAsync(StaffRoles.Admin);

    public async Task<Actor> StaffAsync(string role)
    {
        var email = Email(role.ToLowerInvariant());
        return await TestSessions.ActorAsync(database.DataSource, await UserAsync(role, email), email, role);
    }

    public async Task<int> CourseAsync(Guid instructor, decimal price, bool published = true, string? title = null)
    {
        await using var owner = await database.DataSource.OpenConnectionAsync();
        return await owner.ExecuteScalarAsync<int>(
            "INSERT INTO courses (instructor_id, title, price, is_published) VALUES (@instructor, @title, @price, @published) RETURNING course_id",
            new { instructor, title = title ?? $"Course {run} {Interlocked.Increment(ref sequence)}", price, published });
    }

    public async Task EnrollAsOwnerAsync(Guid student, int course, decimal amount, DateTimeOffset? at = null)
    {
        await using var owner = await database.DataSource.OpenConnectionAsync();
        await owner.ExecuteAsync(
            "INSERT INTO enrollments (student_id, course_id, amount_paid, enrolled_at) VALUES (@student, @course, @amount, coalesce(@at, now()))",
            new { student, course, amount, at });
    }

    public async Task<T> ScalarAsync<T>(string sql, object? args = null)
    {
        await using var owner = await database.DataSource.OpenConnectionAsync();
        return (await owner.ExecuteScalarAsync<T>(sql, args))!;
    }

    public async Task ExecuteAsync(string sql, object? args = null)
    {
        await using var owner = await database.DataSource.OpenConnectionAsync();
        await owner.ExecuteAsync(sql, args);
    }
}
