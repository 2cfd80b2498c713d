using System.Diagnostics;
using System.Text.RegularExpressions;
using Dapper;
using DbUp;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using TechCourse.Admin.Infrastructure.Database;
using TechCourse.Admin.Infrastructure.DemoData;
using TechCourse.Admin.Tests.Support;
using Xunit.Abstractions;

namespace TechCourse.Admin.Tests.Infrastructure;

// sql/definitions: today's function, view, trigger and policy definitions, run after the numbered scripts whenever
// their content changes. The numbered scripts up to 0018 shipped before it: databases migrated by them are upgraded.
public sealed partial class SchemaDefinitionsTests(ITestOutputHelper output)
{
    private const int LastNumberedScriptBeforeDefinitions = 18;

    [Fact]
    public async Task An_upgraded_copy_of_a_database_with_data_migrated_before_the_definitions_existed_ends_with_the_catalog_of_a_fresh_one()
    {
        await using var fresh = await TestDatabase.CreateAsync();
        await using var today = await TestDatabase.CreateAsync(migrated: false);
        ApplyNumberedScriptsShippedBeforeDefinitions(today.ConnectionString);
        var scale = DataScale.Demo with { Students = 300, Courses = 40, Enrollments = 1_500, PriceChanges = 60 };
        await BulkLoader.LoadAsync(today.ConnectionString, new DemoDataGenerator(scale, seed: 22, DateTimeOffset.UtcNow), CancellationToken.None);

        var applied = Migrator.Apply(today.ConnectionString, NullLogger.Instance);

        Assert.Equal(RepositoryPaths.DefinitionScripts.Select(JournalName), applied);
        SchemaSnapshot.AssertSameCatalog(await SchemaSnapshot.CatalogAsync(fresh.ConnectionString), await SchemaSnapshot.CatalogAsync(today.ConnectionString));
        await using var connection = new NpgsqlConnection(today.ConnectionString);
        await connection.ExecuteAsync("UPDATE courses SET price = price + 1 WHERE course_id = 1; DELETE FROM enrollments WHERE enrollment_id = 1; SELECT sales_rollups_fold()");
        Assert.Empty(await connection.QueryAsync("SELECT * FROM sales_rollups_differences()"));
        Assert.Equal(61L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM price_changes"));
    }

    [Fact]
    public async Task Running_every_definition_again_on_a_migrated_database_changes_no_catalog_entry()
    {
        await using var database = await TestDatabase.CreateAsync();
        var before = await SchemaSnapshot.CatalogAsync(database.ConnectionString);

        await using (var connection = new NpgsqlConnection(database.ConnectionString))
        {
            await connection.OpenAsync();
            foreach (var file in RepositoryPaths.DefinitionScripts)
            {
                await using var transaction = await connection.BeginTransactionAsync();
                await connection.ExecuteAsync(await File.ReadAllTextAsync(file), transaction: transaction);
                await transaction.CommitAsync();
            }
        }

        SchemaSnapshot.AssertSameCatalog(before, await SchemaSnapshot.CatalogAsync(database.ConnectionString));
        Assert.Empty(Migrator.Apply(database.ConnectionString, NullLogger.Instance));
    }

    [Fact]
    public async Task A_definition_whose_file_changed_since_it_last_ran_runs_again_and_no_other_definition_does()
    {
        await using var expected = await TestDatabase.CreateAsync();
        await using var database = await TestDatabase.CreateAsync();
        var current = JournalName(Path.Combine(RepositoryPaths.DefinitionsDirectory, "10_enroll_student.sql"));
        await using (var connection = new NpgsqlConnection(database.ConnectionString))
            await connection.ExecuteAsync("""
                UPDATE schemaversions SET scriptname = 'sql.definitions.10_enroll_student.sql@0123456789abcdef' WHERE scriptname = @current;
                ALTER FUNCTION enroll_student(UUID, UUID, INTEGER, NUMERIC, NUMERIC, TEXT) SET work_mem = '1MB';
                REVOKE EXECUTE ON FUNCTION enroll_student(UUID, UUID, INTEGER, NUMERIC, NUMERIC, TEXT) FROM techcourse_app;
                """, new { current });

        Assert.Equal([current], Migrator.Pending(database.ConnectionString));
        Assert.Equal([current], Migrator.Apply(database.ConnectionString, NullLogger.Instance));
        SchemaSnapshot.AssertSameCatalog(await SchemaSnapshot.CatalogAsync(expected.ConnectionString), await SchemaSnapshot.CatalogAsync(database.ConnectionString));
    }

    [Fact]
    public void A_definitions_journal_name_follows_its_content_but_not_its_line_endings()
    {
        var name = Migrator.DefinitionJournalName("sql.definitions.10_f.sql", "CREATE OR REPLACE FUNCTION f() RETURNS INT\nLANGUAGE sql AS $$ SELECT 1 $$;\n");

        Assert.Matches(@"^sql\.definitions\.10_f\.sql@[0-9a-f]{16}$", name);
        Assert.Equal(name, Migrator.DefinitionJournalName("sql.definitions.10_f.sql", "CREATE OR REPLACE FUNCTION f() RETURNS INT\r\nLANGUAGE sql AS $$ SELECT 1 $$;\r\n"));
        Assert.NotEqual(name, Migrator.DefinitionJournalName("sql.definitions.10_f.sql", "CREATE OR REPLACE FUNCTION f() RETURNS INT\nLANGUAGE sql AS $$ SELECT 2 $$;\n"));
    }

    [Fact]
    public async Task Every_function_view_trigger_and_policy_of_the_migrated_schema_is_defined_in_exactly_one_definition_file()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        var inCatalog = (await connection.QueryAsync<string>("""
            SELECT 'function ' || p.proname FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
            UNION ALL SELECT 'view ' || c.relname FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'v'
            UNION ALL SELECT 'trigger ' || t.tgname || ' on ' || c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                      WHERE c.relnamespace = 'public'::regnamespace AND NOT t.tgisinternal
            UNION ALL SELECT 'policy ' || policyname || ' on ' || tablename FROM pg_policies WHERE schemaname = 'public'
            """)).Order(StringComparer.Ordinal).ToList();

        var inFiles = RepositoryPaths.DefinitionScripts
            .SelectMany(file => SqlText.Statements(File.ReadAllText(file)).Select(DefinedObject).OfType<string>()).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(inCatalog, inFiles);
    }

    [Fact]
    public void Definition_files_hold_only_statements_that_can_run_again_and_drop_each_policy_just_before_creating_it()
    {
        foreach (var file in RepositoryPaths.DefinitionScripts)
        {
            var statements = SqlText.Statements(File.ReadAllText(file));
            Assert.NotEmpty(statements);
            for (var i = 0; i < statements.Count; i++)
            {
                Assert.True(RerunnableStatement().IsMatch(statements[i]), $"{Path.GetFileName(file)}: cannot run again: {statements[i]}");
                if (CreatePolicy().Match(statements[i]) is { Success: true } policy)
                    Assert.True(i > 0 && Regex.IsMatch(statements[i - 1], $@"^DROP POLICY IF EXISTS {policy.Groups[1].Value} ON {policy.Groups[2].Value}$"),
                        $"{Path.GetFileName(file)}: CREATE POLICY {policy.Groups[1].Value} without DROP POLICY IF EXISTS just before it");
            }
        }
    }

    [Fact]
    public void No_numbered_script_after_0018_defines_a_function_procedure_view_trigger_or_policy()
    {
        var later = RepositoryPaths.NumberedScripts.Where(file => int.Parse(Path.GetFileName(file)[..4], System.Globalization.CultureInfo.InvariantCulture) > LastNumberedScriptBeforeDefinitions);

        foreach (var file in later)
            foreach (var statement in SqlText.Statements(File.ReadAllText(file)))
                Assert.False(Definition().IsMatch(statement),
                    $"{Path.GetFileName(file)} defines what belongs in sql/definitions (a new file there, or an edit of the one that holds it): {statement}");
    }

    [UpgradeSourceFact]
    public async Task An_upgraded_copy_of_the_database_TECHCOURSE_UPGRADE_SOURCE_names_ends_with_the_catalog_of_a_fresh_one()
    {
        var source = new NpgsqlConnectionStringBuilder(UpgradeSourceFactAttribute.ConnectionString) { Pooling = false, CommandTimeout = 0 };
        var server = new NpgsqlConnectionStringBuilder(source.ConnectionString) { Database = "postgres" }.ConnectionString;
        var copy = $"t_upgrade_{Guid.NewGuid():N}";
        var fresh = $"t_fresh_{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        try
        {
            var clock = Stopwatch.StartNew();
            await connection.ExecuteAsync(new CommandDefinition($"CREATE DATABASE {copy} TEMPLATE {source.Database}", commandTimeout: 0));
            output.WriteLine($"copied {source.Database} in {clock.Elapsed.TotalSeconds:F1} s");
            await connection.ExecuteAsync($"CREATE DATABASE {fresh}");
            Migrator.Apply(new NpgsqlConnectionStringBuilder(server) { Database = fresh }.ConnectionString, NullLogger.Instance);
            var upgraded = new NpgsqlConnectionStringBuilder(source.ConnectionString) { Database = copy }.ConnectionString;

            clock.Restart();
            var applied = Migrator.Apply(upgraded, NullLogger.Instance);
            output.WriteLine($"upgrade applied {applied.Count} scripts in {clock.Elapsed.TotalSeconds:F2} s");

            SchemaSnapshot.AssertSameCatalog(await SchemaSnapshot.CatalogAsync(new NpgsqlConnectionStringBuilder(server) { Database = fresh }.ConnectionString),
                await SchemaSnapshot.CatalogAsync(upgraded));
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await connection.ExecuteAsync($"DROP DATABASE IF EXISTS {copy} WITH (FORCE); DROP DATABASE IF EXISTS {fresh} WITH (FORCE)");
        }
    }

    // What the migrator did before sql/definitions existed: the numbered scripts up to 0018, each journaled by name.
    private static void ApplyNumberedScriptsShippedBeforeDefinitions(string connectionString)
    {
        var result = DeployChanges.To.PostgresqlDatabase(connectionString)
            .WithScriptsEmbeddedInAssembly(typeof(Migrator).Assembly, name => NumberedScript().Match(name) is { Success: true } m
                && int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) <= LastNumberedScriptBeforeDefinitions)
            .WithTransactionPerScript()
            .WithVariablesDisabled()
            .JournalToPostgresqlTable("public", Migrator.JournalTable)
            .LogToNowhere()
            .Build()
            .PerformUpgrade();
        Assert.True(result.Successful, result.Error?.Message);
    }

    private static string JournalName(string file) =>
        Migrator.DefinitionJournalName($"sql.definitions.{Path.GetFileName(file)}", File.ReadAllText(file));

    private static string? DefinedObject(string statement) => statement switch
    {
        _ when CreateFunction().Match(statement) is { Success: true } m => $"function {m.Groups[1].Value}",
        _ when CreateView().Match(statement) is { Success: true } m => $"view {m.Groups[1].Value}",
        _ when CreateTrigger().Match(statement) is { Success: true } m => $"trigger {m.Groups[1].Value} on {m.Groups[2].Value}",
        _ when CreatePolicy().Match(statement) is { Success: true } m => $"policy {m.Groups[1].Value} on {m.Groups[2].Value}",
        _ => null,
    };

    [GeneratedRegex(@"^sql\.(\d{4})_[a-z0-9_]+\.sql$")]
    private static partial Regex NumberedScript();

    [GeneratedRegex(@"^CREATE OR REPLACE FUNCTION (\w+)\(")]
    private static partial Regex CreateFunction();

    [GeneratedRegex(@"^CREATE OR REPLACE VIEW (\w+) ")]
    private static partial Regex CreateView();

    [GeneratedRegex(@"^CREATE OR REPLACE TRIGGER (\w+)\s.*?\sON (\w+)\s", RegexOptions.Singleline)]
    private static partial Regex CreateTrigger();

    [GeneratedRegex(@"^CREATE POLICY (\w+) ON (\w+)\s")]
    private static partial Regex CreatePolicy();

    [GeneratedRegex(@"^(CREATE OR REPLACE (FUNCTION|VIEW|TRIGGER) |CREATE POLICY |DROP POLICY IF EXISTS |GRANT |REVOKE |COMMENT ON |REINDEX )")]
    private static partial Regex RerunnableStatement();

    [GeneratedRegex(@"\bCREATE\s+(OR\s+REPLACE\s+)?(CONSTRAINT\s+)?(FUNCTION|PROCEDURE|VIEW|TRIGGER|POLICY)\b", RegexOptions.IgnoreCase)]
    private static partial Regex Definition();
}

// Runs only when TECHCOURSE_UPGRADE_SOURCE names a database migrated by an earlier build (e.g. main's, loaded with
// `seed --scale capstone`): the test upgrades a copy of it (CREATE DATABASE … TEMPLATE, so nothing may be connected to
// it) and reports how long the upgrade took.
public sealed class UpgradeSourceFactAttribute : FactAttribute
{
    public static string? ConnectionString => Environment.GetEnvironmentVariable("TECHCOURSE_UPGRADE_SOURCE");

    public UpgradeSourceFactAttribute()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
            Skip = "set TECHCOURSE_UPGRADE_SOURCE to the connection string of a database migrated by an earlier build";
    }
}
