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
    public async Task Ready_waits_for_the_migrations_but_an_owner_connection_that_does_not_answer_leaves_the_pages_available()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var silent = new SilentServer();
        var status = new DatabaseStatus();
        var health = new DatabaseHealthCheck(database.DataSource, status);

        await MonitorOnceAsync(database, silent.ConnectionString(timeoutSeconds: 2), status);
        var withoutOwner = await health.CheckHealthAsync(new HealthCheckContext());
        await MonitorOnceAsync(database, database.ConnectionString, status);
        var withOwner = await health.CheckHealthAsync(new HealthCheckContext());

        Assert.True(status.IsReady);
        Assert.Equal(HealthStatus.Unhealthy, withoutOwner.Status);
        Assert.Contains("migrations are not known to be applied", withoutOwner.Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Healthy, withOwner.Status);
    }

    [Fact]
    public async Task Ready_is_not_healthy_before_the_migrations_were_seen_applied()
    {
        await using var database = await TestDatabase.CreateAsync();
        var status = new DatabaseStatus();
        status.ReportReady();

        var result = await new DatabaseHealthCheck(database.DataSource, status).CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
    }

    private static Task MonitorOnceAsync(TestDatabase database, string owner, DatabaseStatus status) =>
        new DatabaseMonitor(new DatabaseConnections(database.ConnectionString, owner, Embedded: false), database.DataSource, status,
            Microsoft.Extensions.Options.Options.Create(new DatabaseOptions()), NullLogger<DatabaseMonitor>.Instance).CheckOnceAsync(CancellationToken.None);
}
