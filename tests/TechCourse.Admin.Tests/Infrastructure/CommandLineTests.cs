using Dapper;
using Npgsql;
using TechCourse.Admin.Infrastructure.Postgres;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Infrastructure;

// The verbs as a process: usage errors, help, one-line failures and stop signals.
public sealed class CommandLineTests
{
    [Theory]
    [InlineData("--students", "seed", "--students", "abc")]
    [InlineData("--scale", "seed", "--scale", "galactic")]
    [InlineData("--writers", "loadtest", "--writers", "0")]
    [InlineData("--role", "user", "add", "--email", "someone@example.com", "--role", "Emperor")]
    [InlineData("--older-than-years", "audit", "archive", "--file", "x.csv")]
    [InlineData("rollups", "rollups")]
    [InlineData("frobnicate", "frobnicate")]
    public async Task A_malformed_command_line_is_a_usage_error_with_exit_code_2_and_no_stack_trace(string named, params string[] arguments)
    {
        var (exitCode, output, errors) = await AppProcess.RunAsync(new Dictionary<string, string> { ["ConnectionStrings__TechCourse"] = ClosedDatabase }, arguments);

        Assert.Equal(2, exitCode);
        Assert.Contains(named, errors, StringComparison.Ordinal);
        Assert.Contains("--help", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output + errors, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", output + errors, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--students", "seed", "--help")]
    [InlineData("--older-than-years", "audit", "archive", "--help")]
    [InlineData("--writers", "loadtest", "-h")]
    [InlineData("rollups", "--help")]
    public async Task Each_verb_explains_its_options(string option, params string[] arguments)
    {
        var (exitCode, output, _) = await AppProcess.RunAsync(new Dictionary<string, string>(), arguments);

        Assert.Equal(0, exitCode);
        Assert.Contains("Usage:", output, StringComparison.Ordinal);
        Assert.Contains(option, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_database_is_explained_in_one_line_instead_of_a_stack_trace()
    {
        var (exitCode, output, errors) = await AppProcess.RunAsync(new Dictionary<string, string> { ["ConnectionStrings__TechCourse"] = ClosedDatabase }, "migrate");

        Assert.Equal(1, exitCode);
        var line = Assert.Single(errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("TechCourse Admin cannot start: ", line, StringComparison.Ordinal);
        Assert.Contains("Failed to connect to 127.0.0.1", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output + errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stop_signal_cancels_seed_and_leaves_the_database_untouched()
    {
        await using var database = await TestDatabase.CreateAsync();
        var indexes = await IndexCountAsync(database);
        // The seed's first step locks the tables it loads: held here, the verb surely is mid-way when the signal comes.
        await using var holder = new NpgsqlConnection(database.ConnectionString);
        await holder.OpenAsync();
        await using var lockHeld = await holder.BeginTransactionAsync();
        await holder.ExecuteAsync("LOCK TABLE users IN ACCESS EXCLUSIVE MODE", transaction: lockHeld);
        await using var app = AppProcess.Start(Settings(database), "seed", "--students", "2000", "--enrollments", "10000");
        await app.WaitForOutputAsync("Loading 2,000 students", TimeSpan.FromSeconds(60));
        await Eventually.WaitForAsync(async () => await WaitingOnLocksAsync(database) > 0, TimeSpan.FromSeconds(30), "the seed to wait for the table lock");

        await app.TerminateAsync();
        var exitCode = await app.WaitForExitAsync(TimeSpan.FromSeconds(60));
        await lockHeld.RollbackAsync();

        Assert.Equal(130, exitCode);
        Assert.Contains("Cancelled", app.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", app.Output, StringComparison.Ordinal);
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        Assert.Equal((0L, 0L), await connection.QuerySingleAsync<(long, long)>("SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM bulk_load_pending)"));
        Assert.Equal(indexes, await IndexCountAsync(database));
    }

    [Theory]
    [InlineData("enrollments", "rollups", "rebuild")]
    [InlineData("price_changes", "audit", "verify")]
    public async Task A_stop_signal_cancels_a_maintenance_verb_waiting_on_the_database(string lockedTable, params string[] arguments)
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var holder = new NpgsqlConnection(database.ConnectionString);
        await holder.OpenAsync();
        await using var lockHeld = await holder.BeginTransactionAsync();
        await holder.ExecuteAsync($"LOCK TABLE {lockedTable} IN ACCESS EXCLUSIVE MODE", transaction: lockHeld);
        await using var app = AppProcess.Start(Settings(database), arguments);
        await Eventually.WaitForAsync(async () => await WaitingOnLocksAsync(database) > 0, TimeSpan.FromSeconds(60), $"{string.Join(' ', arguments)} to wait for the lock");

        await app.TerminateAsync();
        var exitCode = await app.WaitForExitAsync(TimeSpan.FromSeconds(60));
        await lockHeld.RollbackAsync();

        Assert.Equal(130, exitCode);
        Assert.Equal(0L, await WaitingOnLocksAsync(database));
        Assert.DoesNotContain("   at ", app.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stop_signal_ends_a_load_test_before_its_time()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var app = AppProcess.Start(Settings(database), "loadtest", "--writers", "2", "--seconds", "600", "--courses", "2", "--students", "20");
        await app.WaitForOutputAsync("Load test: 2 writers", TimeSpan.FromSeconds(60));

        await app.TerminateAsync();

        Assert.Equal(130, await app.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.DoesNotContain("   at ", app.Output, StringComparison.Ordinal);
    }

    private static string ClosedDatabase => $"Host=127.0.0.1;Port={LocalPostgresCluster.FreeTcpPort()};Username=x;Password=y;Database=z;Timeout=3";

    private static Dictionary<string, string> Settings(TestDatabase database) => new() { ["ConnectionStrings__TechCourse"] = database.ConnectionString };

    private static async Task<long> IndexCountAsync(TestDatabase database)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM pg_indexes WHERE schemaname = 'public'");
    }

    private static async Task<long> WaitingOnLocksAsync(TestDatabase database)
    {
        await using var connection = new NpgsqlConnection(database.Server.ConnectionString("postgres"));
        return await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = @name AND wait_event_type = 'Lock'", new { name = database.Name });
    }
}
