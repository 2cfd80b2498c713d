using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using TechCourse.Admin.Infrastructure.Database;
using TechCourse.Admin.Infrastructure.Hosting;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Infrastructure;

public sealed class MigrationTests
{
    [Fact]
    public async Task Migrating_an_empty_database_applies_every_script_in_file_name_order_and_a_second_run_applies_nothing()
    {
        await using var database = await TestDatabase.CreateAsync(migrated: false);

        var first = Migrator.Apply(database.ConnectionString, NullLogger.Instance);
        var second = Migrator.Apply(database.ConnectionString, NullLogger.Instance);

        var scriptFiles = Directory.GetFiles(RepositoryPaths.SqlDirectory, "*.sql").Select(f => $"sql.{Path.GetFileName(f)}").Order(StringComparer.Ordinal);
        Assert.Equal(scriptFiles, first);
        Assert.Equal(scriptFiles, Migrator.ScriptNames);
        Assert.Empty(second);
        Assert.Empty(Migrator.Pending(database.ConnectionString));
    }

    [Fact]
    public void Script_files_are_numbered_so_that_file_name_order_is_the_order_they_shipped_in()
    {
        var names = Directory.GetFiles(RepositoryPaths.SqlDirectory, "*.sql").Select(Path.GetFileName).ToList();

        Assert.NotEmpty(names);
        Assert.All(names, name => Assert.Matches(@"^\d{4}_[a-z0-9_]+\.sql$", name));
        Assert.Equal(names.Count, names.Select(name => name![..4]).Distinct().Count());
    }

    [Fact]
    public async Task The_scripts_apply_with_plain_psql_in_file_name_order_and_accept_the_seed_rows()
    {
        await using var database = await TestDatabase.CreateAsync(migrated: false);
        var settings = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        var psql = database.Server.BinDirectory is { } bin ? Path.Combine(bin, "psql") : "psql";
        var environment = new Dictionary<string, string> { ["PGPASSWORD"] = settings.Password ?? "" };

        foreach (var script in Directory.GetFiles(RepositoryPaths.SqlDirectory, "*.sql").Order(StringComparer.Ordinal))
        {
            var result = await ProcessRunner.RunAsync(psql,
                ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", settings.Host!, "-p", settings.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                 "-U", settings.Username!, "-d", settings.Database!, "-f", script], environment: environment);
            Assert.True(result.ExitCode == 0, $"{Path.GetFileName(script)}: {result.CombinedOutput}");
        }

        await using var connection = new NpgsqlConnection(database.ConnectionString);
        foreach (var statement in SeedScript.DataStatementsAndQueries) await connection.ExecuteAsync(statement);
        Assert.Equal(99.99m, await connection.ExecuteScalarAsync<decimal>("SELECT gross_revenue FROM daily_sales_report"));
    }
}
