using Dapper;
using Npgsql;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Security;

// Issue 19, sections 1 and 3: what a holder of the runtime login's password alone can do, connected as that login.
public sealed class RuntimeLoginTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    private const string Password = "runtime-test-password-2026";
    private string runtime = "";
    private Guid admin, ada, bob;
    private string adminEmail = "";
    private int bobsCourse;

    public async Task InitializeAsync()
    {
        runtime = await ExternalApp.CreateRuntimeLoginAsync(database.ConnectionString);
        await using var owner = await database.DataSource.OpenConnectionAsync();
        adminEmail = $"admin-{Guid.NewGuid():N}@techcourse.com";
        admin = await StaffAccounts.CreateOrResetAsync(owner, adminEmail, StaffRoles.Admin, Password, default);
        ada = await StaffAccounts.CreateOrResetAsync(owner, $"ada-{Guid.NewGuid():N}@techcourse.com", StaffRoles.Instructor, Password, default);
        bob = await owner.ExecuteScalarAsync<Guid>("INSERT INTO users (email, role) VALUES (@e, 'Instructor') RETURNING user_id", new { e = $"bob-{Guid.NewGuid():N}@techcourse.com" });
        bobsCourse = await owner.ExecuteScalarAsync<int>("INSERT INTO courses (instructor_id, title, price) VALUES (@bob, 'Bob''s course', 20) RETURNING course_id", new { bob });
        await SessionStore.OpenAsOwnerAsync(owner, admin, TimeSpan.FromHours(1), default);
        await owner.ExecuteAsync("INSERT INTO sign_in_attempts (user_id, email_key, succeeded, remote_address) VALUES (@admin, @adminEmail, false, '127.0.2.1')", new { admin, adminEmail });
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("SELECT * FROM sessions")]
    [InlineData("SELECT token_hash FROM sessions")]
    [InlineData("SELECT password_hash FROM user_credentials")]
    [InlineData("SELECT * FROM user_credentials")]
    [InlineData("SELECT * FROM sign_in_attempts")]
    [InlineData("SELECT * FROM auth_secrets")]
    [InlineData("SELECT * FROM identity_v3_parts((SELECT 'x'))")]
    [InlineData("SELECT sign_in_locked('someone@techcourse.com', '127.0.2.1')")]
    public async Task The_runtime_login_cannot_read_sessions_hashes_attempts_or_secrets(string sql)
    {
        await using var connection = await OpenAsync();

        var error = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(sql));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
    }

    [Theory]
    [InlineData("SELECT record_sign_in_attempt(@admin, false, '127.0.2.1')")]
    [InlineData("SELECT recent_sign_in_failures(@admin, '15 minutes')")]
    public async Task The_old_functions_that_locked_or_counted_any_account_are_gone(string sql)
    {
        await using var connection = await OpenAsync();

        var error = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(sql, new { admin }));

        Assert.Equal(PostgresErrorCodes.UndefinedFunction, error.SqlState);
    }

    [Theory]
    [InlineData("INSERT INTO sessions (token_hash, user_id, role, idle_timeout, expires_at) VALUES (sha256('x'), @admin, 'Admin', '1 hour', now() + interval '1 hour')")]
    [InlineData("UPDATE sessions SET ended_at = NULL")]
    [InlineData("INSERT INTO sign_in_attempts (email_key, succeeded) VALUES ('x', false)")]
    [InlineData("DELETE FROM sign_in_attempts")]
    [InlineData("SELECT open_session_as_owner(@admin, 'a-token-of-at-least-thirty-two-characters', '1 hour')")]
    [InlineData("INSERT INTO data_protection_keys (friendly_name, xml) VALUES ('planted', '<key><encryptedSecret/></key>')")]
    [InlineData("DELETE FROM data_protection_keys")]
    public async Task The_runtime_login_cannot_make_a_session_or_an_attempt_or_a_key_itself(string sql)
    {
        await using var connection = await OpenAsync();

        var error = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(sql, new { admin }));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
    }

    [Fact]
    public async Task Setting_app_user_id_and_app_role_to_an_admin_gives_no_rights()
    {
        await using var connection = await OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync("SELECT set_config('app.user_id', @admin, true), set_config('app.role', 'Admin', true)", new { admin = admin.ToString() }, transaction);

        Assert.Equal(0, await connection.ExecuteAsync("UPDATE courses SET price = 1 WHERE course_id = @bobsCourse", new { bobsCourse }, transaction));
        Assert.Null(await connection.ExecuteScalarAsync<Guid?>("SELECT app_user_id()", transaction: transaction));
        foreach (var sql in new[] { "SELECT set_user_password(@ada, 'a hash')", "SELECT change_user_role(@ada, 'Admin')" })
        {
            await connection.ExecuteAsync("SAVEPOINT s", transaction: transaction);
            var error = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(sql, new { ada }, transaction));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
            await connection.ExecuteAsync("ROLLBACK TO SAVEPOINT s", transaction: transaction);
        }
    }

    [Fact]
    public async Task A_made_up_session_token_is_refused_at_once_and_names_nobody()
    {
        await using var connection = await OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync("SELECT set_config('app.session', @token, true)", new { token = SessionStore.NewToken() }, transaction);

        var error = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync("UPDATE courses SET price = 1 WHERE course_id = @bobsCourse", new { bobsCourse }, transaction));

        Assert.Equal(PostgresErrorCodes.InvalidAuthorizationSpecification, error.SqlState);
    }

    [Fact]
    public async Task Without_the_password_no_session_is_created_and_with_it_one_is()
    {
        var accounts = new AccountStore(NpgsqlDataSource.Create(runtime));
        var sessionsBefore = await OwnerScalarAsync<long>("SELECT count(*) FROM sessions WHERE user_id = @admin", new { admin });

        var parameters = await accounts.ParametersAsync(adminEmail, default);
        var guessed = await accounts.SignInAsync(adminEmail, SignInService.Subkey("not the password", parameters), "127.0.2.20", SessionStore.NewToken(), new AuthOptions(), default);
        var garbage = await accounts.SignInAsync(adminEmail, new byte[32], "127.0.2.20", SessionStore.NewToken(), new AuthOptions(), default);
        var sessionsAfterGuesses = await OwnerScalarAsync<long>("SELECT count(*) FROM sessions WHERE user_id = @admin", new { admin });
        var right = await accounts.SignInAsync(adminEmail, SignInService.Subkey(Password, parameters), "127.0.2.20", SessionStore.NewToken(), new AuthOptions(), default);

        Assert.Equal(("invalid", "invalid"), (guessed.Outcome, garbage.Outcome));
        Assert.Equal(sessionsBefore, sessionsAfterGuesses);
        Assert.Equal(("signed_in", admin), (right.Outcome, right.UserId!.Value));
    }

    [Fact]
    public async Task Failures_the_runtime_login_records_from_one_source_do_not_lock_another_source_out()
    {
        var accounts = new AccountStore(NpgsqlDataSource.Create(runtime));
        var email = (await OwnerScalarAsync<string>("SELECT email FROM users WHERE user_id = @ada", new { ada }))!;
        var parameters = await accounts.ParametersAsync(email, default);
        for (var i = 0; i < SignInService.MaxFailures; i++)
            await accounts.SignInAsync(email, new byte[32], "127.0.113.99", SessionStore.NewToken(), new AuthOptions(), default);

        var attacker = await accounts.SignInAsync(email, SignInService.Subkey(Password, parameters), "127.0.113.99", SessionStore.NewToken(), new AuthOptions(), default);
        var owner = await accounts.SignInAsync(email, SignInService.Subkey(Password, parameters), "127.0.2.30", SessionStore.NewToken(), new AuthOptions(), default);

        Assert.Equal("locked", attacker.Outcome);
        Assert.Equal("signed_in", owner.Outcome);
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(runtime);
        await connection.OpenAsync();
        return connection;
    }

    private async Task<T?> OwnerScalarAsync<T>(string sql, object args)
    {
        await using var owner = await database.DataSource.OpenConnectionAsync();
        return await owner.ExecuteScalarAsync<T>(sql, args);
    }
}
