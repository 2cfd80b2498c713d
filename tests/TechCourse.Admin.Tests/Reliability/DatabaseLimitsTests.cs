using System.Diagnostics;
using System.Net;
using Bunit;
using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TechCourse.Admin.Features.Home;
using TechCourse.Admin.Tests.Features.Home;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Infrastructure.Database;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Reliability;

[Trait("Category", "Reliability")]
public sealed class DatabaseLimitsTests
{
    [Fact]
    public async Task A_query_longer_than_the_configured_statement_timeout_is_stopped_and_explained()
    {
        await using var database = await TestDatabase.CreateAsync();
        var runtime = DatabaseTuning.Runtime(await ExternalApp.CreateRuntimeLoginAsync(database.ConnectionString), statementTimeoutSeconds: 1);
        await using (var setUp = NpgsqlDataSource.Create(runtime))
            Assert.Equal(RuntimeStatementTimeout.Outcome.Set, await RuntimeStatementTimeout.EnsureAsync(setUp, 1, CancellationToken.None));
        await using var dataSource = NpgsqlDataSource.Create(runtime);
        await using var connection = await dataSource.OpenConnectionAsync();
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync("SELECT pg_sleep(10)"));

        Assert.Equal(PostgresErrorCodes.QueryCanceled, error.SqlState);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(5));
        Assert.Equal(DatabaseErrors.TimedOut, DatabaseErrors.Describe(error)?.Message);
        Assert.Equal("1s", await connection.ExecuteScalarAsync<string>("SHOW statement_timeout"));
    }

    [Fact]
    public async Task The_statement_timeout_is_the_runtime_logins_own_default_in_its_database_never_a_startup_option()
    {
        await using var database = await TestDatabase.CreateAsync();
        var runtime = DatabaseTuning.Runtime(await ExternalApp.CreateRuntimeLoginAsync(database.ConnectionString), statementTimeoutSeconds: 30);
        await using var dataSource = NpgsqlDataSource.Create(runtime);

        var first = await RuntimeStatementTimeout.EnsureAsync(dataSource, 30, CancellationToken.None);
        var again = await RuntimeStatementTimeout.EnsureAsync(dataSource, 30, CancellationToken.None);

        Assert.Equal((RuntimeStatementTimeout.Outcome.Set, RuntimeStatementTimeout.Outcome.AlreadySet), (first, again));
        Assert.Null(new NpgsqlConnectionStringBuilder(runtime).Options);
        await using var owner = await database.DataSource.OpenConnectionAsync();
        Assert.Equal("0", await owner.ExecuteScalarAsync<string>("SHOW statement_timeout"));
    }

    [Fact]
    public async Task A_cancelled_token_stops_the_query_on_the_server_not_just_in_the_app()
    {
        await using var database = await TestDatabase.CreateAsync();
        var application = $"cancel-{Guid.NewGuid():N}"[..20];
        await using var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(database.ConnectionString) { ApplicationName = application }.ConnectionString);
        await using var connection = await dataSource.OpenConnectionAsync();
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => connection.ExecuteAsync(new CommandDefinition("SELECT pg_sleep(30)", cancellationToken: cancellation.Token)));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        await Eventually.WaitForAsync(async () => await WaitingQueriesAsync(database, application) == 0, TimeSpan.FromSeconds(5), "the server to drop the sleep");
    }

    [Fact]
    public async Task Leaving_a_page_cancels_its_query_on_the_server()
    {
        await using var database = await TestDatabase.CreateAsync();
        var application = $"leave-{Guid.NewGuid():N}"[..20];
        await using var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(database.ConnectionString) { ApplicationName = application }.ConnectionString);
        await using var blocker = new NpgsqlConnection(database.ConnectionString);
        await blocker.OpenAsync();
        await using var lockHolder = await blocker.BeginTransactionAsync();
        await blocker.ExecuteAsync("LOCK TABLE courses IN ACCESS EXCLUSIVE MODE", transaction: lockHolder);
        var context = MudTestContext.Create();
        var live = context.Services.AddHomeServices(dataSource);
        live.Linger = TimeSpan.Zero;

        context.Render<AccountingHome>();
        await Eventually.WaitForAsync(async () => await WaitingQueriesAsync(database, application) >= 1, TimeSpan.FromSeconds(10), "the home page's queries to wait on the lock");
        await context.DisposeAsync();

        await Eventually.WaitForAsync(async () => await WaitingQueriesAsync(database, application) == 0, TimeSpan.FromSeconds(5), "the server to drop the query");
        await lockHolder.RollbackAsync();
    }

    [Fact]
    public async Task More_concurrent_queries_than_the_pool_holds_queue_and_all_complete()
    {
        await using var database = await TestDatabase.CreateAsync();
        var application = $"pool-{Guid.NewGuid():N}"[..20];
        await using var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(database.ConnectionString) { ApplicationName = application, MaxPoolSize = 3, Timeout = 30 }.ConnectionString);
        var peak = 0L;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, await BackendsAsync(database, application));
                await Task.Delay(50);
            }
        });
        var clock = Stopwatch.StartNew();

        var results = await Task.WhenAll(Enumerable.Range(0, 30).Select(async i =>
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            return await connection.ExecuteScalarAsync<int>("SELECT @i FROM pg_sleep(0.2)", new { i });
        }));
        await sampling.CancelAsync();
        await sampler;

        Assert.Equal(Enumerable.Range(0, 30), results);
        Assert.InRange(peak, 1, 3);
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.8), $"30 × 0.2 s over 3 connections cannot finish in {clock.Elapsed}");
    }

    [Fact]
    public async Task Forty_concurrent_page_loads_through_a_pool_of_two_all_succeed()
    {
        await using var database = await TestDatabase.CreateAsync();
        await ExternalApp.CreateAdminAsync(database.ConnectionString);
        var runtime = new NpgsqlConnectionStringBuilder(await ExternalApp.CreateRuntimeLoginAsync(database.ConnectionString)) { MaxPoolSize = 2, Timeout = 60 }.ConnectionString;
        await using var app = await ExternalApp.StartAsync(runtime, database.ConnectionString);
        using var client = await ExternalApp.SignedInClientAsync(app);

        var responses = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => client.GetAsync(new Uri("/", UriKind.Relative))));
        var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.All(bodies, body => Assert.Contains("data-testid=\"students-value\"", body, StringComparison.Ordinal));
        Assert.DoesNotContain("did not answer", string.Concat(bodies), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_read_only_database_refuses_writes_and_new_sign_ins_with_a_clear_message_while_signed_in_users_keep_reading()
    {
        await using var database = await TestDatabase.CreateAsync();
        await ExternalApp.CreateAdminAsync(database.ConnectionString);
        var runtime = await ExternalApp.CreateRuntimeLoginAsync(database.ConnectionString);
        var (adminId, courseId) = await InsertCourseAsync(database);
        var admin = await TestSessions.ActorAsync(database.DataSource, adminId, ExternalApp.AdminEmail, StaffRoles.Admin);
        var cookie = await ExternalApp.SignInCookieAsync(runtime, database.ConnectionString);
        await using (var owner = await database.DataSource.OpenConnectionAsync())
            await owner.ExecuteAsync($"ALTER DATABASE {database.Name} SET default_transaction_read_only = on");
        NpgsqlConnection.ClearAllPools();
        await using var app = await ExternalApp.StartAsync(runtime, database.ConnectionString);
        using var signedIn = ExternalApp.ClientWithCookie(app, cookie);
        using var newcomer = ExternalApp.NewClient(app);

        var dashboard = await signedIn.GetStringAsync(new Uri("/", UriKind.Relative));
        var signIn = await ExternalApp.PostSignInAsync(newcomer, ExternalApp.AdminEmail, ExternalApp.AdminPassword);
        await using var connection = new NpgsqlConnection(runtime);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginAsActorAsync(admin, CancellationToken.None);
        var error = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync("UPDATE courses SET price = 99 WHERE course_id = @courseId", new { courseId }, transaction));

        Assert.Contains("data-testid=\"courses-value\"", dashboard, StringComparison.Ordinal);
        Assert.Contains("error=ReadOnly", signIn.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Contains("read-only", System.Net.WebUtility.HtmlDecode(await newcomer.GetStringAsync(signIn.Headers.Location)), StringComparison.Ordinal);
        Assert.Equal(PostgresErrorCodes.ReadOnlySqlTransaction, error.SqlState);
        Assert.Equal(DatabaseErrors.ReadOnly, DatabaseErrors.Describe(error)?.Message);
        await using var check = new NpgsqlConnection(database.ConnectionString);
        Assert.Equal((10m, 0L), await check.QuerySingleAsync<(decimal, long)>(
            "SELECT (SELECT price FROM courses WHERE course_id = @courseId), (SELECT count(*) FROM price_changes WHERE course_id = @courseId)", new { courseId }));
    }

    private static async Task<(Guid Admin, int Course)> InsertCourseAsync(TestDatabase database)
    {
        await using var owner = await database.DataSource.OpenConnectionAsync();
        var admin = await owner.ExecuteScalarAsync<Guid>("SELECT user_id FROM users WHERE email = @email", new { email = ExternalApp.AdminEmail });
        var instructor = await owner.ExecuteScalarAsync<Guid>("INSERT INTO users (email, role) VALUES ('ro-instructor@techcourse.com', 'Instructor') RETURNING user_id");
        var course = await owner.ExecuteScalarAsync<int>("INSERT INTO courses (instructor_id, title, price) VALUES (@instructor, 'Read-only course', 10) RETURNING course_id", new { instructor });
        return (admin, course);
    }

    private static async Task<long> WaitingQueriesAsync(TestDatabase database, string application)
    {
        await using var connection = new NpgsqlConnection(database.Server.ConnectionString("postgres"));
        return await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = @application AND state = 'active'", new { application });
    }

    private static async Task<long> BackendsAsync(TestDatabase database, string application)
    {
        await using var connection = new NpgsqlConnection(database.Server.ConnectionString("postgres"));
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE application_name = @application", new { application });
    }
}
