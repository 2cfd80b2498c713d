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
    public async Task Migrating_an_empty_database_applies_every_numbered_script_then_every_definition_in_name_order_and_a_second_run_applies_nothing()
    {
        await using var database = await TestDatabase.CreateAsync(migrated: false);

        var first = Migrator.Apply(database.ConnectionString, NullLogger.Instance);
        var second = Migrator.Apply(database.ConnectionString, NullLogger.Instance);

        var numbered = RepositoryPaths.NumberedScripts.Select(file => $"sql.{Path.GetFileName(file)}").ToList();
        Assert.Equal(numbered.Concat(RepositoryPaths.DefinitionScripts.Select(DefinitionJournalName)), first);
        Assert.Equal(numbered.Concat(RepositoryPaths.DefinitionScripts.Select(file => $"sql.definitions.{Path.GetFileName(file)}")), Migrator.ScriptNames);
        Assert.Empty(second);
        Assert.Empty(Migrator.Pending(database.ConnectionString));
    }

    [Fact]
    public async Task Against_a_server_that_accepts_and_never_answers_migrating_gives_up_after_the_connection_timeout()
    {
        await using var silent = new SilentServer();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var failed = await Task.Run(() => Assert.Throws<MigrationFailedException>(() => Migrator.Apply(silent.ConnectionString(timeoutSeconds: 1), NullLogger.Instance)))
            .WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.True(DatabaseErrors.IsTransient(failed), failed.ToString());
    }

    [Fact]
    public async Task Two_migrators_starting_together_on_an_empty_database_both_succeed_and_run_each_script_once()
    {
        await using var database = await TestDatabase.CreateAsync(migrated: false);

        var both = await Task.WhenAll(
            Task.Run(() => Migrator.Apply(database.ConnectionString, NullLogger.Instance)),
            Task.Run(() => Migrator.Apply(database.ConnectionString, NullLogger.Instance)));

        Assert.Contains(both, applied => applied.Count == 0);
        Assert.Equal(Migrator.ScriptNames.Count, both.Sum(applied => applied.Count));
    }

    [Fact]
    public void Script_files_are_numbered_so_that_file_name_order_is_the_order_they_shipped_in_and_definitions_carry_their_layer()
    {
        var names = RepositoryPaths.NumberedScripts.Select(Path.GetFileName).ToList();
        var definitions = RepositoryPaths.DefinitionScripts.Select(Path.GetFileName).ToList();

        Assert.NotEmpty(names);
        Assert.All(names, name => Assert.Matches(@"^\d{4}_[a-z0-9_]+\.sql$", name));
        Assert.Equal(names.Count, names.Select(name => name![..4]).Distinct().Count());
        Assert.NotEmpty(definitions);
        Assert.All(definitions, name => Assert.Matches(@"^\d{2}_[a-z0-9_]+\.sql$", name));
    }

    [Fact]
    public async Task The_READMEs_psql_command_applies_every_script_in_order_and_gives_the_migrated_schema_which_accepts_the_seed_rows()
    {
        await using var migrated = await TestDatabase.CreateAsync();
        await using var database = await TestDatabase.CreateAsync(migrated: false);

        var result = await RunReadmesPsqlCommandAsync(database);

        Assert.True(result.ExitCode == 0, result.CombinedOutput);
        SchemaSnapshot.AssertSameCatalog(await SchemaSnapshot.CatalogAsync(migrated.ConnectionString), await SchemaSnapshot.CatalogAsync(database.ConnectionString));
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        foreach (var statement in SeedScript.DataStatementsAndQueries) await connection.ExecuteAsync(statement);
        Assert.Equal(99.99m, await connection.ExecuteScalarAsync<decimal>("SELECT gross_revenue FROM daily_sales_report"));
    }

    [Fact]
    public async Task The_READMEs_psql_command_stops_at_the_first_failing_script_and_leaves_the_database_as_it_was()
    {
        await using var database = await TestDatabase.CreateAsync(migrated: false);
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.ExecuteAsync("CREATE TABLE price_change_chain_anchor (taken BOOLEAN)");

        var result = await RunReadmesPsqlCommandAsync(database);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("0007_price_change_audit_chain.sql", result.StandardError, StringComparison.Ordinal);
        Assert.Null(await connection.ExecuteScalarAsync<string?>("SELECT to_regclass('users')::text"));
    }

    private static async Task<ProcessResult> RunReadmesPsqlCommandAsync(TestDatabase database)
    {
        var command = File.ReadLines(Path.Combine(RepositoryPaths.Root, "README.md"))
            .Single(line => line.StartsWith("psql ", StringComparison.Ordinal) && line.Contains("ON_ERROR_STOP=1", StringComparison.Ordinal));
        var settings = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        var environment = new Dictionary<string, string>
        {
            ["PGHOST"] = settings.Host!, ["PGPORT"] = settings.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PGUSER"] = settings.Username!, ["PGPASSWORD"] = settings.Password ?? "", ["PGDATABASE"] = settings.Database!,
            ["PATH"] = database.Server.BinDirectory is { } bin ? $"{bin}:{path}" : path,
        };
        return await ProcessRunner.RunAsync("bash", ["-c", command], workingDirectory: RepositoryPaths.Root, environment: environment);
    }

    private static string DefinitionJournalName(string file) =>
        Migrator.DefinitionJournalName($"sql.definitions.{Path.GetFileName(file)}", File.ReadAllText(file));
}
