using Dapper;
using Npgsql;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Features.Home;

public sealed class UserRoleCountsTests
{
    private static Task<Dictionary<string, long>> CountedAsync(NpgsqlConnection connection) =>
        PerRoleAsync(connection, "SELECT role, users FROM user_role_counts WHERE users > 0");

    private static Task<Dictionary<string, long>> ActualAsync(NpgsqlConnection connection) =>
        PerRoleAsync(connection, "SELECT role, count(*) FROM users WHERE role IS NOT NULL GROUP BY role");

    private static async Task<Dictionary<string, long>> PerRoleAsync(NpgsqlConnection connection, string sql) =>
        (await connection.QueryAsync<(string Role, long Users)>(sql)).ToDictionary(r => r.Role, r => r.Users);

    [Fact]
    public async Task Role_counts_stay_exact_through_inserts_copies_role_changes_deletes_and_truncate()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var connection = await database.DataSource.OpenConnectionAsync();

        await connection.ExecuteAsync("""
            INSERT INTO users (email, role) SELECT 'student' || i || '@example.com', 'Student' FROM generate_series(1, 40) i;
            INSERT INTO users (email, role) VALUES ('teacher@example.com', 'Instructor'), ('nobody@example.com', NULL);
            """);
        await using (var writer = await connection.BeginTextImportAsync("COPY users (email, role) FROM STDIN"))
            for (var i = 0; i < 25; i++) await writer.WriteLineAsync($"copied{i}@example.com\tInstructor");
        Assert.Equal(await ActualAsync(connection), await CountedAsync(connection));
        Assert.Equal(new Dictionary<string, long> { ["Student"] = 40, ["Instructor"] = 26 }, await CountedAsync(connection));

        await connection.ExecuteAsync("UPDATE users SET role = 'Instructor' WHERE email LIKE 'student1%'");
        await connection.ExecuteAsync("UPDATE users SET email = upper(email) WHERE role = 'Student'");
        await connection.ExecuteAsync("DELETE FROM users WHERE email LIKE 'copied1%'");
        await using (var rolledBack = await connection.BeginTransactionAsync())
        {
            await connection.ExecuteAsync("DELETE FROM users", transaction: rolledBack);
            await rolledBack.RollbackAsync();
        }
        Assert.Equal(await ActualAsync(connection), await CountedAsync(connection));

        await using (var maintenance = await connection.BeginTransactionAsync())
        {
            await connection.ExecuteAsync("SET LOCAL techcourse.audit_maintenance = 'on'; TRUNCATE users CASCADE", transaction: maintenance);
            await maintenance.CommitAsync();
        }
        Assert.Empty(await CountedAsync(connection));
    }

    [Fact]
    public async Task The_admin_home_counts_students_and_instructors_from_the_role_counts()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using (var connection = await database.DataSource.OpenConnectionAsync())
            await connection.ExecuteAsync("""
                INSERT INTO users (email, role) VALUES ('a@example.com', 'Student'), ('b@example.com', 'Student'), ('c@example.com', 'Instructor');
                """);

        var figures = await HomeTesting.Queries(database.DataSource).CountsAsync(DateOnly.FromDateTime(DateTime.UtcNow), "UTC", CancellationToken.None);

        Assert.Equal((2L, 1L), (figures.Students, figures.Instructors));
    }
}
