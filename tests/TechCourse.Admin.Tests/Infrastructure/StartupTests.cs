using Dapper;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using TechCourse.Admin.Infrastructure.Cli;
using TechCourse.Admin.Infrastructure.Database;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Infrastructure;

[Collection("console output")]
public sealed class StartupTests
{
    [Fact]
    public async Task The_migrate_verb_applies_the_scripts_to_the_configured_database()
    {
        await using var database = await TestDatabase.CreateAsync(migrated: false);

        var exitCode = await CommandLine.RunAsync(["migrate"], database.Configuration, RepositoryPaths.Root, NullLoggerFactory.Instance, null, CancellationToken.None);

        Assert.Equal(0, exitCode);
        Assert.Empty(Migrator.Pending(database.ConnectionString));
    }

    [Fact]
    public async Task The_seed_verb_loads_the_requested_scale()
    {
        await using var database = await TestDatabase.CreateAsync();

        var exitCode = await CommandLine.RunAsync(["seed", "--students", "50", "--instructors", "2", "--courses", "5", "--enrollments", "120", "--price-changes", "9", "--seed", "5"],
            database.Configuration, RepositoryPaths.Root, NullLoggerFactory.Instance, null, CancellationToken.None);

        Assert.Equal(0, exitCode);
        await using var connection = await database.DataSource.OpenConnectionAsync();
        Assert.Equal((52L, 5L, 120L, 9L), await connection.QuerySingleAsync<(long, long, long, long)>(
            "SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM courses), (SELECT count(*) FROM enrollments), (SELECT count(*) FROM price_changes)"));
    }

    [Fact]
    public async Task The_seed_verb_refuses_an_impossible_scale_without_touching_the_database()
    {
        await using var database = await TestDatabase.CreateAsync();

        var exitCode = await CommandLine.RunAsync(["seed", "--students", "2", "--courses", "1", "--enrollments", "50"],
            database.Configuration, RepositoryPaths.Root, NullLoggerFactory.Instance, null, CancellationToken.None);

        Assert.Equal(2, exitCode);
        await using var connection = await database.DataSource.OpenConnectionAsync();
        Assert.Equal(0L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM users"));
    }

    [Fact]
    public async Task Health_is_ready_only_when_the_database_answers_and_every_migration_is_applied()
    {
        await using var unmigrated = await TestDatabase.CreateAsync(migrated: false);
        await using var migrated = await TestDatabase.CreateAsync();

        Assert.Equal(HealthStatus.Unhealthy, await HealthOf(unmigrated));
        Assert.Equal(HealthStatus.Healthy, await HealthOf(migrated));
    }

    private static async Task<HealthStatus> HealthOf(TestDatabase database)
    {
        var check = new DatabaseHealthCheck(new DatabaseConnections(database.ConnectionString, database.ConnectionString, Embedded: false), database.DataSource);
        return (await check.CheckHealthAsync(new HealthCheckContext())).Status;
    }
}
