using Dapper;
using Npgsql;

namespace TechCourse.Admin.Tests.Features.Sales;

// Unique users, courses and enrollments for one test.
public static class SalesData
{
    public static async Task<Guid> UserAsync(NpgsqlDataSource dataSource, string role = "Student")
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<Guid>("INSERT INTO users (email, role) VALUES (@email, @role) RETURNING user_id",
            new { email = $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}@example.com", role });
    }

    public static async Task<int> CourseAsync(NpgsqlDataSource dataSource, Guid? instructor, string title = "Course", decimal price = 10m)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<int>("INSERT INTO courses (instructor_id, title, price) VALUES (@instructor, @title, @price) RETURNING course_id",
            new { instructor, title, price });
    }

    public static async Task EnrollAsync(NpgsqlDataSource dataSource, int course, decimal amount, DateTimeOffset at, Guid? student = null)
    {
        var who = student ?? await UserAsync(dataSource);
        await using var connection = await dataSource.OpenConnectionAsync();
        await connection.ExecuteAsync("INSERT INTO enrollments (student_id, course_id, amount_paid, enrolled_at) VALUES (@who, @course, @amount, @at)",
            new { who, course, amount, at = at.ToUniversalTime() });
    }

    public static async Task FoldAsync(NpgsqlDataSource dataSource)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await TechCourse.Admin.Features.Sales.SalesRollups.FoldAsync(connection, CancellationToken.None);
    }
}
