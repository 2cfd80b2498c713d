using Dapper;
using Npgsql;

namespace TechCourse.Admin.Tests.Support;

// What the catalog says about the capstone's objects, as comparable lines.
public static class SchemaSnapshot
{
    public static readonly string[] SeedTables = ["users", "courses", "enrollments", "price_changes"];

    public static async Task<IReadOnlyList<string>> ColumnsAsync(string connectionString) => await LinesAsync(connectionString, """
        SELECT format('%s.%s %s default=%s nullable=%s identity=%s', table_name, column_name, data_type || coalesce('(' || character_maximum_length || ')', '')
                      || coalesce('(' || numeric_precision || ',' || numeric_scale || ')', ''), column_default, is_nullable, identity_generation)
        FROM information_schema.columns WHERE table_schema = 'public' AND table_name = ANY(@tables)
        """);

    public static async Task<IReadOnlyList<string>> ConstraintsAsync(string connectionString) => await LinesAsync(connectionString, """
        SELECT format('%s %s %s', conrelid::regclass, conname, pg_get_constraintdef(oid))
        FROM pg_constraint WHERE conrelid = ANY(@tables::regclass[])
        """);

    public static async Task<IReadOnlyList<string>> IndexesAsync(string connectionString) => await LinesAsync(connectionString, """
        SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = ANY(@tables)
        """);

    public static async Task<IReadOnlyList<string>> ViewColumnsAsync(string connectionString) => await LinesAsync(connectionString, """
        SELECT format('%s %s %s', ordinal_position, column_name, data_type) FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name = 'daily_sales_report'
        """);

    public static async Task<IReadOnlyList<string>> TriggersAsync(string connectionString) => await LinesAsync(connectionString, """
        SELECT format('%s %s %s', event_object_table, trigger_name, action_timing || ' ' || event_manipulation || ' ' || action_statement)
        FROM information_schema.triggers WHERE trigger_schema = 'public' AND trigger_name = 'trigger_audit_price'
        """);

    // The whole public schema as sorted lines (CatalogSnapshot.sql, which also runs by hand with psql).
    public static async Task<IReadOnlyList<string>> CatalogAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        var sql = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Support", "CatalogSnapshot.sql"));
        return (await connection.QueryAsync<string>(new CommandDefinition(sql, commandTimeout: 600))).ToList();
    }

    public static void AssertSameCatalog(IReadOnlyList<string> expected, IReadOnlyList<string> actual)
    {
        var missing = expected.Except(actual, StringComparer.Ordinal).ToList();
        var extra = actual.Except(expected, StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"Catalogs differ.\nOnly in the expected one:\n{string.Join("\n", missing)}\nOnly in the actual one:\n{string.Join("\n", extra)}");
        Assert.Equal(expected, actual);
    }

    private static async Task<IReadOnlyList<string>> LinesAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        var lines = await connection.QueryAsync<string>(sql, new { tables = SeedTables });
        return lines.Order(StringComparer.Ordinal).ToList();
    }
}
