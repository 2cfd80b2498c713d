using Dapper;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Infrastructure;

public sealed class PriceChangeAttributionTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task A_price_change_made_as_an_actor_records_who_made_it_from_the_app_and_why()
    {
        var (instructor, course) = await InstructorWithCourseAsync();
        await using var connection = await database.DataSource.OpenConnectionAsync();
        var ada = await TestSessions.ActorAsync(database.DataSource, instructor, "ada@techcourse.com", StaffRoles.Instructor);
        await using (var transaction = await connection.BeginAsActorAsync(ada, CancellationToken.None))
        {
            await connection.ExecuteAsync("SELECT set_config('app.change_reason', 'Black Friday', true)", transaction: transaction);
            await connection.ExecuteAsync("SET LOCAL ROLE techcourse_app", transaction: transaction);
            await connection.ExecuteAsync("UPDATE courses SET price = 9.99 WHERE course_id = @course", new { course }, transaction);
            await transaction.CommitAsync();
        }

        var entry = await connection.QuerySingleAsync<(Guid? ChangedBy, string Source, string? Reason, decimal OldPrice, decimal NewPrice)>(
            "SELECT changed_by, source, reason, old_price, new_price FROM price_changes WHERE course_id = @course", new { course });
        Assert.Equal((instructor, "app", "Black Friday", 50m, 9.99m), (entry.ChangedBy, entry.Source, entry.Reason, entry.OldPrice, entry.NewPrice));
    }

    [Fact]
    public async Task A_price_change_made_with_plain_sql_names_the_database_role_and_no_user()
    {
        var (_, course) = await InstructorWithCourseAsync();
        await using var connection = await database.DataSource.OpenConnectionAsync();

        await connection.ExecuteAsync("UPDATE courses SET price = 60 WHERE course_id = @course", new { course });

        var entry = await connection.QuerySingleAsync<(Guid? ChangedBy, string Source, string? Reason)>(
            "SELECT changed_by, source, reason FROM price_changes WHERE course_id = @course", new { course });
        Assert.Equal((null, database.Server.ServerSettings.Username, null), (entry.ChangedBy, entry.Source, entry.Reason));
    }

    [Fact]
    public async Task A_user_who_changed_a_price_cannot_be_deleted_so_the_log_keeps_its_author()
    {
        var (instructor, course) = await InstructorWithCourseAsync();
        await using var connection = await database.DataSource.OpenConnectionAsync();
        var ada = await TestSessions.ActorAsync(database.DataSource, instructor, "ada@techcourse.com", StaffRoles.Instructor);
        await using (var transaction = await connection.BeginAsActorAsync(ada, CancellationToken.None))
        {
            await connection.ExecuteAsync("UPDATE courses SET price = 70 WHERE course_id = @course", new { course }, transaction);
            await connection.ExecuteAsync("UPDATE courses SET instructor_id = NULL WHERE course_id = @course", new { course }, transaction);
            await transaction.CommitAsync();
        }

        var error = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => connection.ExecuteAsync("DELETE FROM users WHERE user_id = @instructor", new { instructor }));

        Assert.Equal(("23503", "price_changes_changed_by_fkey"), (error.SqlState, error.ConstraintName));
    }

    private async Task<(Guid Instructor, int Course)> InstructorWithCourseAsync()
    {
        await using var connection = await database.DataSource.OpenConnectionAsync();
        var instructor = await connection.ExecuteScalarAsync<Guid>("INSERT INTO users (email, role) VALUES (@email, 'Instructor') RETURNING user_id",
            new { email = $"ada-{Guid.NewGuid():N}@techcourse.com" });
        var course = await connection.ExecuteScalarAsync<int>("INSERT INTO courses (instructor_id, title, price) VALUES (@instructor, 'Priced', 50) RETURNING course_id", new { instructor });
        return (instructor, course);
    }
}
