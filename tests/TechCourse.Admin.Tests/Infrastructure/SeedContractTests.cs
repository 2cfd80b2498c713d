using Dapper;
using Npgsql;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Infrastructure;

public sealed class SeedContractTests
{
    [Fact]
    public async Task The_seed_statements_run_unchanged_and_give_the_seed_answers()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var connection = await database.DataSource.OpenConnectionAsync();
        var results = new List<IReadOnlyList<dynamic>>();
        foreach (var statement in SeedScript.DataStatementsAndQueries)
            results.Add((await connection.QueryAsync(statement)).ToList());

        var report = Assert.Single(results[^2]);
        Assert.Equal("Advanced PostgreSQL Masterclass", (string)report.course_name);
        Assert.Equal(1L, (long)report.total_enrollments);
        Assert.Equal(99.99m, (decimal)report.gross_revenue);
        Assert.Equal("teacher@techcourse.com", (string)Assert.Single(results[^1]).email);

        await connection.ExecuteAsync("UPDATE courses SET price = 89.99 WHERE course_id = 1");
        var change = await connection.QuerySingleAsync("SELECT course_id, old_price, new_price FROM price_changes");
        Assert.Equal((1, 99.99m, 89.99m), ((int)change.course_id, (decimal)change.old_price, (decimal)change.new_price));
    }

    [Fact]
    public async Task An_update_that_keeps_the_price_logs_nothing()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var connection = await database.DataSource.OpenConnectionAsync();
        foreach (var insert in SeedScript.Inserts)
            await connection.ExecuteAsync(insert);

        await connection.ExecuteAsync("UPDATE courses SET title = 'Renamed', price = 99.99 WHERE course_id = 1");

        Assert.Equal(0L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM price_changes"));
    }

    [Fact]
    public async Task The_migrated_schema_has_every_column_constraint_index_view_column_and_trigger_of_the_seed()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var empty = await TestDatabase.CreateAsync(migrated: false);
        var seedOnly = empty.ConnectionString;
        await using (var connection = new NpgsqlConnection(seedOnly))
            foreach (var statement in SeedScript.SchemaStatements) await connection.ExecuteAsync(statement);

        Assert.Subset(Set(await SchemaSnapshot.ColumnsAsync(database.ConnectionString)), Set(await SchemaSnapshot.ColumnsAsync(seedOnly)));
        Assert.Subset(Set(await SchemaSnapshot.IndexesAsync(database.ConnectionString)), Set(await SchemaSnapshot.IndexesAsync(seedOnly)));
        Assert.Equal(await SchemaSnapshot.ViewColumnsAsync(seedOnly), await SchemaSnapshot.ViewColumnsAsync(database.ConnectionString));
        Assert.Equal(await SchemaSnapshot.TriggersAsync(seedOnly), await SchemaSnapshot.TriggersAsync(database.ConnectionString));
        var migratedConstraints = Set(await SchemaSnapshot.ConstraintsAsync(database.ConnectionString));
        foreach (var constraint in (await SchemaSnapshot.ConstraintsAsync(seedOnly)).Where(c => !c.StartsWith("users users_role_check", StringComparison.Ordinal)))
            Assert.Contains(constraint, migratedConstraints);
        var roleCheck = Assert.Single(migratedConstraints, c => c.StartsWith("users users_role_check", StringComparison.Ordinal));
        Assert.All(new[] { "'Student'", "'Instructor'", "'Admin'" }, role => Assert.Contains(role, roleCheck, StringComparison.Ordinal));
    }

    [Fact]
    public void The_copy_of_the_seed_in_the_repository_matches_the_shared_contract_when_it_is_present()
    {
        var shared = Path.Combine(RepositoryPaths.Root, "..", "shared", "seed", "techcourse-capstone.sql");
        if (!File.Exists(shared)) return;
        Assert.Equal(File.ReadAllText(shared), File.ReadAllText(SeedScript.Path));
    }

    private static HashSet<string> Set(IEnumerable<string> lines) => lines.ToHashSet(StringComparer.Ordinal);
}
