using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using TechCourse.Admin.Infrastructure.Cli;
using TechCourse.Admin.Infrastructure.Reliability;
using TechCourse.Admin.Tests.Support;
using Xunit.Abstractions;

namespace TechCourse.Admin.Tests.Reliability;

// The short CI form of `loadtest --writers 50 --seconds 60`.
[Trait("Category", "Load")]
public sealed class LoadTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Concurrent_price_changes_and_enrollments_keep_every_invariant()
    {
        await using var database = await TestDatabase.CreateAsync();
        var runtime = await ExternalApp.CreateRuntimeLoginAsync(database.ConnectionString);

        var report = await LoadTest.RunAsync(runtime, database.ConnectionString, new LoadTestOptions(Writers: 16, Duration: TimeSpan.FromSeconds(6), Courses: 5, Students: 200));
        output.WriteLine(report.ToString());

        Assert.True(report.Passed, report.ToString());
        Assert.True(report.PriceChanges > 20 && report.Enrollments > 20, report.ToString());
        Assert.True(report.DuplicatesRefused > 0, "the run should have tried to enroll someone twice: " + report);
        Assert.Equal(0, report.NotSaved);
    }

    [Fact]
    public async Task A_fast_postgresql_restart_mid_run_loses_nothing_and_commits_nothing_twice()
    {
        await using var server = new StoppablePostgres();
        await server.StartAsync();
        var owner = server.ConnectionString();
        TechCourse.Admin.Infrastructure.Database.Migrator.Apply(server.ConnectionString(pooling: false), NullLogger.Instance);
        var runtime = await ExternalApp.CreateRuntimeLoginAsync(owner);

        var report = await LoadTest.RunAsync(runtime, owner, new LoadTestOptions(Writers: 12, Duration: TimeSpan.FromSeconds(10), Courses: 5, Students: 200),
            whileRunning: async ct =>
            {
                // Restart once writes flow, so some are in flight when every session ends.
                await Eventually.WaitForAsync(async () => await PriceChangesAsync(owner) >= 20, TimeSpan.FromSeconds(60), "the writers to commit");
                await server.RestartFastAsync();
            });
        output.WriteLine(report.ToString());

        Assert.True(report.Passed, report.ToString());
        Assert.True(report.NotSaved > 0, "the restart should have failed some writes with 'not saved': " + report);
        Assert.True(report.PriceChanges > 20 && report.Enrollments > 20, report.ToString());
    }

    private static async Task<long> PriceChangesAsync(string owner)
    {
        await using var connection = new Npgsql.NpgsqlConnection(owner);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT count(*) FROM price_changes", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task The_loadtest_verb_prints_the_report_and_exits_zero_when_the_invariants_hold()
    {
        await using var database = await TestDatabase.CreateAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:TechCourse"] = database.ConnectionString }).Build();

        var exitCode = await CommandLine.RunAsync(["loadtest", "--writers", "4", "--seconds", "2", "--courses", "3", "--students", "50"],
            configuration, RepositoryPaths.Root, NullLoggerFactory.Instance, null, CancellationToken.None);

        Assert.Equal(0, exitCode);
    }
}
