using Dapper;
using Microsoft.Extensions.Configuration;
using Npgsql;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Infrastructure.Database;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Infrastructure;

// WriteAsActorAsync sends the actor's settings and the write as one batch, without BEGIN: PostgreSQL must run it as
// one implicit transaction. Connections come from a one-connection pool tuned as the app's (reused without DISCARD ALL),
// so whatever the write left on its connection would be seen by the next use.
public sealed class ActorWritesTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    private readonly NpgsqlDataSource app = NpgsqlDataSource.Create(DatabaseTuning.Runtime(
        new NpgsqlConnectionStringBuilder(database.ConnectionString) { MaxPoolSize = 1, Options = "-c role=techcourse_app" }.ConnectionString,
        new DatabaseOptions().StatementTimeoutSeconds));

    [Fact]
    public async Task The_write_sees_the_session_and_the_reason_and_the_pooled_connection_has_forgotten_them_afterwards()
    {
        var actor = new Actor(Guid.NewGuid(), "ada@example.com", StaffRoles.Instructor, "a-session-token-of-forty-three-characters--");
        int writer;
        (string Session, string Reason) seen;
        await using (var connection = await app.OpenConnectionAsync())
        {
            writer = connection.ProcessID;
            await using var grid = await connection.WriteAsActorAsync(actor,
                "SELECT current_setting('app.session'), current_setting('app.change_reason')", null, default, " Black Friday ");
            seen = await grid.ReadSingleAsync<(string, string)>();
        }

        await using var next = await app.OpenConnectionAsync();
        var left = await next.QuerySingleAsync<(string? Session, string? Reason)>(
            "SELECT current_setting('app.session', true), current_setting('app.change_reason', true)");

        Assert.Equal((actor.Session, "Black Friday"), seen);
        Assert.Equal(writer, next.ProcessID);
        Assert.Equal(("", ""), (left.Session ?? "", left.Reason ?? ""));
    }

    [Fact]
    public async Task A_failing_statement_rolls_back_the_statements_before_it_and_their_audit_entry()
    {
        var people = new PeopleAndCourses(database.Database);
        var admin = await people.AdminAsync();
        var course = await people.CourseAsync(await people.UserAsync(StaffRoles.Instructor), 50m);
        const string lastLogId = "SELECT last_value FROM pg_sequences WHERE sequencename = 'price_changes_log_id_seq'";
        var logIdBefore = await people.ScalarAsync<long?>(lastLogId);

        var error = await Assert.ThrowsAsync<PostgresException>(async () =>
        {
            await using var connection = await app.OpenConnectionAsync();
            await using var grid = await connection.WriteAsActorAsync(admin,
                "UPDATE courses SET price = 75 WHERE course_id = @course RETURNING true; SELECT 1 / 0", new { course }, default, "never");
            await grid.ReadAsync<bool>();
            await grid.ReadAsync<int>();
        });

        Assert.Equal(PostgresErrorCodes.DivisionByZero, error.SqlState);
        Assert.NotEqual(logIdBefore, await people.ScalarAsync<long?>(lastLogId));
        Assert.Equal(50m, await people.ScalarAsync<decimal>("SELECT price FROM courses WHERE course_id = @course", new { course }));
        Assert.Equal(0L, await people.ScalarAsync<long>("SELECT count(*) FROM price_changes WHERE course_id = @course", new { course }));
    }

    [Fact]
    public async Task All_statements_of_the_write_run_in_one_transaction()
    {
        var actor = new Actor(Guid.NewGuid(), "ada@example.com", StaffRoles.Admin);
        await using var connection = await app.OpenConnectionAsync();

        await using var grid = await connection.WriteAsActorAsync(actor, "SELECT pg_current_xact_id()::text; SELECT pg_current_xact_id()::text", null, default);
        var first = await grid.ReadSingleAsync<string>();
        var second = await grid.ReadSingleAsync<string>();

        Assert.Equal(first, second);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await app.DisposeAsync();
}
