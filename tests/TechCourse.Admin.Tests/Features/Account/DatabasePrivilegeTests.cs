using Dapper;
using Npgsql;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Features.Account;

// Direct SQL as the runtime role (techcourse_app): what the database itself allows, whatever the app does.
public sealed class DatabasePrivilegeTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    private Guid ada, bob, admin;
    private int adasCourse, bobsCourse;

    public async Task InitializeAsync()
    {
        await using var owner = await database.DataSource.OpenConnectionAsync();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        ada = await owner.ExecuteScalarAsync<Guid>("INSERT INTO users (email, role) VALUES (@e, 'Instructor') RETURNING user_id", new { e = $"ada-{suffix}@techcourse.com" });
        bob = await owner.ExecuteScalarAsync<Guid>("INSERT INTO users (email, role) VALUES (@e, 'Instructor') RETURNING user_id", new { e = $"bob-{suffix}@techcourse.com" });
        admin = await owner.ExecuteScalarAsync<Guid>("INSERT INTO users (email, role) VALUES (@e, 'Admin') RETURNING user_id", new { e = $"admin-{suffix}@techcourse.com" });
        adasCourse = await owner.ExecuteScalarAsync<int>("INSERT INTO courses (instructor_id, title, price) VALUES (@ada, 'Ada''s course', 10) RETURNING course_id", new { ada });
        bobsCourse = await owner.ExecuteScalarAsync<int>("INSERT INTO courses (instructor_id, title, price) VALUES (@bob, 'Bob''s course', 20) RETURNING course_id", new { bob });
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task An_instructor_context_cannot_change_another_instructors_course()
    {
        await using var session = await RuntimeSessionAsync(ada, StaffRoles.Instructor);

        var updated = await session.Connection.ExecuteAsync("UPDATE courses SET price = 1 WHERE course_id = @bobsCourse", new { bobsCourse }, session.Transaction);

        Assert.Equal(0, updated);
        Assert.Equal(20m, await session.Connection.ExecuteScalarAsync<decimal>("SELECT price FROM courses WHERE course_id = @bobsCourse", new { bobsCourse }, session.Transaction));
    }

    [Fact]
    public async Task An_instructor_context_changes_its_own_course_and_the_trigger_still_logs_it()
    {
        await using var session = await RuntimeSessionAsync(ada, StaffRoles.Instructor);

        var updated = await session.Connection.ExecuteAsync("UPDATE courses SET price = 12.5 WHERE course_id = @adasCourse", new { adasCourse }, session.Transaction);

        Assert.Equal(1, updated);
        Assert.Equal(1L, await session.Connection.ExecuteScalarAsync<long>("SELECT count(*) FROM price_changes WHERE course_id = @adasCourse AND new_price = 12.5", new { adasCourse }, session.Transaction));
    }

    [Fact]
    public async Task The_runtime_role_may_seal_new_entries_into_the_chain_but_not_write_the_log()
    {
        await using var session = await RuntimeSessionAsync(ada, StaffRoles.Instructor);
        await session.Connection.ExecuteAsync("UPDATE courses SET price = 13.5 WHERE course_id = @adasCourse", new { adasCourse }, session.Transaction);

        var sealedCount = await session.Connection.ExecuteScalarAsync<int>("SELECT sealed FROM seal_price_changes(NULL)", transaction: session.Transaction);

        Assert.True(sealedCount >= 1);
        Assert.Equal(0L, await session.Connection.ExecuteScalarAsync<long>("SELECT count(*) FROM price_changes WHERE seal_seq IS NULL", transaction: session.Transaction));
    }

    [Fact]
    public async Task An_instructor_context_cannot_create_a_course_for_someone_else()
    {
        await using var session = await RuntimeSessionAsync(ada, StaffRoles.Instructor);

        var error = await Assert.ThrowsAsync<PostgresException>(() => session.Connection.ExecuteAsync(
            "INSERT INTO courses (instructor_id, title, price) VALUES (@bob, 'Forged', 1)", new { bob }, session.Transaction));

        Assert.Equal("42501", error.SqlState);
    }

    [Fact]
    public async Task An_instructor_context_creates_a_course_of_its_own_and_may_delete_it_but_not_another_instructors()
    {
        await using var session = await RuntimeSessionAsync(ada, StaffRoles.Instructor);

        var created = await session.Connection.ExecuteScalarAsync<int>(
            "INSERT INTO courses (instructor_id, title, price) VALUES (@ada, 'New', 1) RETURNING course_id", new { ada }, session.Transaction);

        Assert.Equal(0, await session.Connection.ExecuteAsync("DELETE FROM courses WHERE course_id = @bobsCourse", new { bobsCourse }, session.Transaction));
        Assert.Equal(1, await session.Connection.ExecuteAsync("DELETE FROM courses WHERE course_id = @created", new { created }, session.Transaction));
    }

    [Fact]
    public async Task The_runtime_role_reads_course_sales_totals()
    {
        await using var session = await RuntimeSessionAsync(ada, StaffRoles.Instructor);

        Assert.Equal(0L, await session.Connection.ExecuteScalarAsync<long>("SELECT count(*) FROM course_sales_totals WHERE course_id = @adasCourse", new { adasCourse }, session.Transaction));
    }

    [Fact]
    public async Task The_runtime_role_may_fold_the_sales_deltas_into_the_rollups()
    {
        await using (var owner = await database.DataSource.OpenConnectionAsync())
            await owner.ExecuteAsync("""
                INSERT INTO enrollments (student_id, course_id, amount_paid) SELECT user_id, @adasCourse, 7.50 FROM users WHERE user_id = @bob
                """, new { adasCourse, bob });
        await using var session = await RuntimeSessionAsync(ada, StaffRoles.Instructor);

        var folded = await session.Connection.ExecuteScalarAsync<long?>("SELECT sales_rollups_fold(true, NULL)", transaction: session.Transaction);

        Assert.True(folded >= 1);
        Assert.Equal(0L, await session.Connection.ExecuteScalarAsync<long>("SELECT count(*) FROM sales_deltas WHERE course_id = @adasCourse", new { adasCourse }, session.Transaction));
        Assert.Equal((1L, 7.50m), await session.Connection.QuerySingleAsync<(long, decimal)>(
            "SELECT enrollments, gross_revenue FROM sales_course WHERE course_id = @adasCourse", new { adasCourse }, session.Transaction));
    }

    [Fact]
    public async Task A_claimed_admin_role_is_not_trusted_the_database_looks_the_role_up()
    {
        await using var session = await RuntimeSessionAsync(ada, StaffRoles.Admin);

        Assert.Equal(0, await session.Connection.ExecuteAsync("UPDATE courses SET price = 1 WHERE course_id = @bobsCourse", new { bobsCourse }, session.Transaction));
    }

    [Fact]
    public async Task An_admin_context_may_change_any_course()
    {
        await using var session = await RuntimeSessionAsync(admin, StaffRoles.Admin);

        Assert.Equal(1, await session.Connection.ExecuteAsync("UPDATE courses SET price = 21 WHERE course_id = @bobsCourse", new { bobsCourse }, session.Transaction));
    }

    [Fact]
    public async Task Without_an_acting_user_the_runtime_role_cannot_write()
    {
        await using var session = await RuntimeSessionAsync(null, null);

        Assert.Equal(0, await session.Connection.ExecuteAsync("UPDATE courses SET price = 1", transaction: session.Transaction));
        var error = await Assert.ThrowsAsync<PostgresException>(() => session.Connection.ExecuteAsync(
            "INSERT INTO courses (instructor_id, title, price) VALUES (@ada, 'Anonymous', 1)", new { ada }, session.Transaction));
        Assert.Equal("42501", error.SqlState);
    }

    [Theory]
    [InlineData("UPDATE price_changes SET new_price = 0")]
    [InlineData("DELETE FROM price_changes")]
    [InlineData("TRUNCATE price_changes")]
    [InlineData("INSERT INTO price_changes (course_id, old_price, new_price) VALUES (1, 1, 2)")]
    [InlineData("UPDATE price_change_chain_anchor SET anchor_seq = 0")]
    [InlineData("DELETE FROM price_change_chain_anchor")]
    [InlineData("CREATE TABLE intruder (id int)")]
    [InlineData("INSERT INTO users (email, role) VALUES ('new@example.com', 'Admin')")]
    [InlineData("UPDATE users SET role = 'Admin'")]
    [InlineData("DELETE FROM enrollments")]
    [InlineData("INSERT INTO enrollments (student_id, course_id, amount_paid) SELECT user_id, 1, 0 FROM users LIMIT 1")]
    [InlineData("UPDATE enrollments SET amount_paid = 0")]
    [InlineData("DELETE FROM users")]
    [InlineData("UPDATE users SET email = 'x@example.com'")]
    [InlineData("SELECT ensure_not_last_admin(gen_random_uuid())")]
    [InlineData("UPDATE sales_course SET enrollments = 0")]
    [InlineData("DELETE FROM sales_day")]
    [InlineData("UPDATE sales_title SET enrollments = 0")]
    [InlineData("DELETE FROM sales_course_month")]
    [InlineData("UPDATE sales_total SET enrollments = 0")]
    [InlineData("INSERT INTO sales_deltas VALUES (1, now(), 1, 9.99)")]
    [InlineData("DELETE FROM sales_deltas")]
    [InlineData("SELECT sales_rollups_clear()")]
    [InlineData("UPDATE user_role_counts SET users = 0")]
    [InlineData("SELECT user_role_counts_add('{\"Admin\": 1}')")]
    [InlineData("SELECT sales_rollups_rebuild()")]
    [InlineData("SELECT * FROM sales_rollups_differences()")]
    [InlineData("INSERT INTO user_credentials (user_id, password_hash) SELECT user_id, 'x' FROM users LIMIT 1")]
    [InlineData("UPDATE user_credentials SET password_hash = 'x'")]
    [InlineData("DELETE FROM user_credentials")]
    [InlineData("INSERT INTO sign_in_attempts (user_id, succeeded) SELECT user_id, true FROM users LIMIT 1")]
    public async Task The_runtime_role_is_refused_even_with_an_admin_context(string sql)
    {
        await using var session = await RuntimeSessionAsync(admin, StaffRoles.Admin);

        var error = await Assert.ThrowsAsync<PostgresException>(() => session.Connection.ExecuteAsync(sql, transaction: session.Transaction));

        Assert.Equal("42501", error.SqlState);
    }

    [Theory]
    [InlineData("SELECT create_user('someone@example.com', 'Student')")]
    [InlineData("SELECT change_user_role(@ada, 'Admin')")]
    [InlineData("SELECT delete_user(@ada)")]
    [InlineData("SELECT anonymise_user(@ada)")]
    [InlineData("SELECT reassign_courses(@ada, @bob)")]
    [InlineData("SELECT * FROM enroll_student(gen_random_uuid(), @ada, 1, 1, NULL, NULL)")]
    [InlineData("SELECT set_user_password(@bob, 'a hash')")]
    public async Task The_user_and_enrollment_functions_refuse_anyone_but_an_admin(string sql)
    {
        await using var session = await RuntimeSessionAsync(ada, StaffRoles.Admin);

        var error = await Assert.ThrowsAsync<PostgresException>(() => session.Connection.ExecuteAsync(sql, new { ada, bob }, session.Transaction));

        Assert.Equal("42501", error.SqlState);
    }

    private async Task<RuntimeSession> RuntimeSessionAsync(Guid? userId, string? role)
    {
        var connection = await database.DataSource.OpenConnectionAsync();
        var transaction = userId is { } id
            ? await connection.BeginAsActorAsync(await TestSessions.ActorAsync(database.DataSource, id, "someone@techcourse.com", role!), CancellationToken.None)
            : await connection.BeginTransactionAsync();
        await connection.ExecuteAsync("SET LOCAL ROLE techcourse_app", transaction: transaction);
        return new RuntimeSession(connection, transaction);
    }

    private sealed record RuntimeSession(NpgsqlConnection Connection, NpgsqlTransaction Transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Transaction.RollbackAsync();
            await Connection.DisposeAsync();
        }
    }
}
