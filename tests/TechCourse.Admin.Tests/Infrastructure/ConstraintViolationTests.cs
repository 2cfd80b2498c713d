using Dapper;
using Npgsql;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Infrastructure;

public sealed class ConstraintViolationTests
{
    [Fact]
    public Task A_second_user_with_the_same_email_is_refused_by_users_email_key() =>
        AssertViolation("23505", "users_email_key", "INSERT INTO users (email, role) VALUES ('teacher@techcourse.com', 'Student')");

    [Fact]
    public Task A_negative_price_is_refused_by_courses_price_check() =>
        AssertViolation("23514", "courses_price_check", "UPDATE courses SET price = -1 WHERE course_id = (SELECT min(course_id) FROM courses)");

    [Fact]
    public Task The_same_student_in_the_same_course_twice_is_refused_by_the_unique_pair() =>
        AssertViolation("23505", "enrollments_student_id_course_id_key", """
            INSERT INTO enrollments (student_id, course_id, amount_paid)
            SELECT student_id, course_id, 1 FROM enrollments LIMIT 1
            """);

    [Fact]
    public Task Deleting_a_course_that_has_enrollments_is_restricted() =>
        AssertViolation("23503", "enrollments_course_id_fkey", "DELETE FROM courses WHERE course_id = (SELECT min(course_id) FROM courses)");

    [Fact]
    public Task An_unknown_role_is_refused_by_users_role_check() =>
        AssertViolation("23514", "users_role_check", "INSERT INTO users (email, role) VALUES ('someone@example.com', 'Superhero')");

    [Fact]
    public async Task Deleting_a_student_cascades_to_their_enrollments_as_in_the_seed()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await InsertSeedRowsAsync(connection, transaction);

        await connection.ExecuteAsync("DELETE FROM users WHERE email = 'student@gmail.com'", transaction: transaction);

        Assert.Equal(0L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM enrollments", transaction: transaction));
        await transaction.RollbackAsync();
    }

    private async Task AssertViolation(string sqlState, string constraint, string sql)
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await InsertSeedRowsAsync(connection, transaction);

        var error = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(sql, transaction: transaction));

        Assert.Equal((sqlState, constraint), (error.SqlState, error.ConstraintName));
        await transaction.RollbackAsync();
    }

    private static async Task InsertSeedRowsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        foreach (var insert in SeedScript.Inserts)
            await connection.ExecuteAsync(insert, transaction: transaction);
    }
}
