using System.Diagnostics;
using Dapper;
using Npgsql;

namespace TechCourse.Admin.Infrastructure.DemoData;

public sealed record LoadReport(long Users, long Courses, long PriceChanges, long Enrollments, TimeSpan Copy, TimeSpan Indexes, TimeSpan Total)
{
    // Each step: how long it took and when it ended (since the load started). Rebuild steps overlap: they run on
    // several connections at once.
    public IReadOnlyList<LoadStep> Steps { get; init; } = [];
}

public sealed record LoadStep(string Name, TimeSpan Time, TimeSpan EndedAt);

// The rows a bulk load writes, in load order.
public sealed record DemoRows(IEnumerable<GeneratedUser> Users, IEnumerable<GeneratedCourse> Courses, IEnumerable<GeneratedPriceChange> PriceChanges,
    IEnumerable<GeneratedEnrollment> Enrollments)
{
    public static DemoRows Of(DemoDataGenerator generator) =>
        new(generator.Instructors.Concat(generator.Students()), generator.Courses, generator.PriceChanges(), generator.Enrollments());
}

// Loads generated rows with binary COPY into empty tables. One transaction drops the secondary indexes, unique and
// foreign keys, copies every row and records what it dropped in bulk_load_pending; then BulkRebuild puts it all back
// over several connections at once. A failure before the commit changes nothing; after it, the tables are emptied
// and the schema made whole; a crash leaves bulk_load_pending, which the next start finishes (FinishInterruptedAsync).
public static class BulkLoader
{
    private static readonly string[] Tables = ["users", "courses", "enrollments", "price_changes"];

    public static Task<LoadReport> LoadAsync(string ownerConnectionString, DemoDataGenerator generator, CancellationToken ct) =>
        LoadAsync(ownerConnectionString, DemoRows.Of(generator), ct);

    public static async Task<LoadReport> LoadAsync(string ownerConnectionString, DemoRows rows, CancellationToken ct)
    {
        var total = Stopwatch.StartNew();
        await FinishInterruptedAsync(ownerConnectionString, ct);
        var steps = new List<LoadStep>();
        async Task<T> Step<T>(string name, Func<Task<T>> action)
        {
            var clock = Stopwatch.StartNew();
            var result = await action();
            steps.Add(new LoadStep(name, clock.Elapsed, total.Elapsed));
            return result;
        }

        IReadOnlyList<PendingStatement> pending;
        long users, courses, changes, enrollments;
        await using (var connection = new NpgsqlConnection(ownerConnectionString))
        {
            await connection.OpenAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            await connection.ExecuteAsync(new CommandDefinition(
                $"LOCK TABLE {string.Join(", ", Tables)} IN ACCESS EXCLUSIVE MODE", transaction: transaction, cancellationToken: ct));
            await EnsureEmptyAsync(connection, transaction, ct);
            var rebuild = await DropSecondaryStructuresAsync(connection, transaction, ct);

            users = await Step("copy users", () => BulkCopy.UsersAsync(connection, rows.Users, ct));
            courses = await Step("copy courses", () => BulkCopy.CoursesAsync(connection, rows.Courses, ct));
            changes = await Step("copy price_changes (sealed)", () => BulkCopy.PriceChangesAsync(connection, transaction, rows.PriceChanges, ct));
            // The sales rollups are counted as the enrollments stream and written once, instead of row by row by their trigger.
            await connection.ExecuteAsync(new CommandDefinition("ALTER TABLE enrollments DISABLE TRIGGER sales_delta_insert", transaction: transaction, cancellationToken: ct));
            var sales = new SalesTally();
            enrollments = await Step("copy enrollments", () => BulkCopy.EnrollmentsAsync(connection, sales.Counting(rows.Enrollments), ct));
            await Step("write sales rollups", async () => { await sales.WriteAsync(connection, transaction, ct); return 0; });
            await connection.ExecuteAsync(new CommandDefinition("""
                ALTER TABLE enrollments ENABLE TRIGGER sales_delta_insert;
                SELECT setval(pg_get_serial_sequence(t, c), GREATEST(m, 1), m IS NOT NULL)
                FROM (VALUES ('courses', 'course_id', (SELECT max(course_id) FROM courses)),
                             ('price_changes', 'log_id', (SELECT max(log_id) FROM price_changes)),
                             ('enrollments', 'enrollment_id', (SELECT max(enrollment_id) FROM enrollments))) s(t, c, m);
                """, transaction: transaction, cancellationToken: ct));
            pending = await JournalAsync(connection, transaction, rebuild, ct);
            await Step("commit rows", async () => { await transaction.CommitAsync(ct); return 0; });
        }
        var copied = total.Elapsed;

        await BulkRebuild.RunAsync(ownerConnectionString, pending, steps, total, ct);
        var rebuilt = total.Elapsed - copied;
        await BulkRebuild.AnalyzeAsync(ownerConnectionString, steps, total, ct);
        return new LoadReport(users, courses, changes, enrollments, copied, rebuilt, total.Elapsed) { Steps = steps };
    }

    // Finishes what an interrupted load left to rebuild (or, if that fails, empties its tables). Returns how many
    // statements were pending: 0 when the last load ended normally.
    public static async Task<int> FinishInterruptedAsync(string ownerConnectionString, CancellationToken ct)
    {
        IReadOnlyList<PendingStatement> pending;
        await using (var connection = new NpgsqlConnection(ownerConnectionString))
        {
            await connection.OpenAsync(ct);
            pending = await BulkRebuild.PendingAsync(connection, ct);
        }
        if (pending.Count == 0) return 0;
        var steps = new List<LoadStep>();
        var clock = Stopwatch.StartNew();
        await BulkRebuild.RunAsync(ownerConnectionString, pending, steps, clock, ct);
        await BulkRebuild.AnalyzeAsync(ownerConnectionString, steps, clock, ct);
        return pending.Count;
    }

    private static async Task EnsureEmptyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        var rows = await connection.ExecuteScalarAsync<bool>(new CommandDefinition("""
            SELECT EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM courses)
                OR EXISTS (SELECT 1 FROM enrollments) OR EXISTS (SELECT 1 FROM price_changes)
            """, transaction: transaction, cancellationToken: ct));
        if (rows) throw new InvalidOperationException("The database already has users, courses, enrollments or price changes; demo data loads only into empty tables.");
    }

    private sealed record Rebuild(string Table, string Statement, int Wave, bool Gin);

    // Drops the unique and foreign keys and the secondary indexes of the loaded tables; returns what puts them back.
    private static async Task<IReadOnlyList<Rebuild>> DropSecondaryStructuresAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        var constraints = (await connection.QueryAsync<(string Table, string Name, char Kind, string Definition, string? Index, string Deferrable)>(new CommandDefinition("""
            SELECT c.conrelid::regclass::text, c.conname, c.contype, pg_get_constraintdef(c.oid),
                   CASE WHEN c.contype = 'u' THEN pg_get_indexdef(c.conindid) END,
                   CASE WHEN c.condeferred THEN ' DEFERRABLE INITIALLY DEFERRED' WHEN c.condeferrable THEN ' DEFERRABLE' ELSE '' END
            FROM pg_constraint c
            WHERE c.conrelid = ANY(@tables::regclass[]) AND c.contype IN ('f', 'u')
            ORDER BY c.contype DESC, c.conname
            """, new { tables = Tables }, transaction, cancellationToken: ct))).ToList();
        var indexes = (await connection.QueryAsync<(string Table, string Name, string Definition, bool Gin)>(new CommandDefinition("""
            SELECT i.indrelid::regclass::text, i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), a.amname = 'gin'
            FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid JOIN pg_am a ON a.oid = x.relam
            WHERE i.indrelid = ANY(@tables::regclass[])
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            ORDER BY 2
            """, new { tables = Tables }, transaction, cancellationToken: ct))).ToList();

        foreach (var fk in constraints.Where(c => c.Kind == 'f'))
            await connection.ExecuteAsync(new CommandDefinition($"ALTER TABLE {fk.Table} DROP CONSTRAINT {Quote(fk.Name)}", transaction: transaction, cancellationToken: ct));
        foreach (var unique in constraints.Where(c => c.Kind == 'u'))
            await connection.ExecuteAsync(new CommandDefinition($"ALTER TABLE {unique.Table} DROP CONSTRAINT {Quote(unique.Name)}", transaction: transaction, cancellationToken: ct));
        foreach (var index in indexes)
            await connection.ExecuteAsync(new CommandDefinition($"DROP INDEX {index.Name}", transaction: transaction, cancellationToken: ct));

        // A unique key is built as its index first (beside the other builds on its table, which ADD CONSTRAINT UNIQUE
        // would lock out) and attached to its constraint after; foreign keys come last, once their keys exist.
        var uniques = constraints.Where(c => c.Kind == 'u').ToList();
        return
        [
            .. uniques.Select(c => new Rebuild(c.Table, c.Index!, 1, false)),
            .. indexes.Select(i => new Rebuild(i.Table, i.Definition, 1, i.Gin)),
            .. uniques.Select(c => new Rebuild(c.Table, $"ALTER TABLE {c.Table} ADD CONSTRAINT {Quote(c.Name)} UNIQUE USING INDEX {Quote(c.Name)}{c.Deferrable}", 2, false)),
            .. constraints.Where(c => c.Kind == 'f').Select(c => new Rebuild(c.Table, $"ALTER TABLE {c.Table} ADD CONSTRAINT {Quote(c.Name)} {c.Definition}", 3, false)),
        ];
    }

    // Records the rebuild, longest work first, so the single-threaded builds (a GIN index) start at once and the
    // b-trees fill the other connections: by the size of the copied table, a GIN index counting several b-trees. In the
    // transaction that copied the rows.
    private static async Task<IReadOnlyList<PendingStatement>> JournalAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<Rebuild> rebuild, CancellationToken ct)
    {
        var sizes = (await connection.QueryAsync<(string Table, long Bytes)>(new CommandDefinition(
            "SELECT t, pg_relation_size(t::regclass) FROM unnest(@tables) t", new { tables = Tables }, transaction, cancellationToken: ct)))
            .ToDictionary(s => s.Table, s => s.Bytes);
        var ordered = rebuild
            .OrderBy(r => r.Wave)
            .ThenByDescending(r => sizes[r.Table] * (r.Gin ? 10 : 1))
            .Select((r, i) => new PendingStatement(i + 1, r.Wave, r.Statement))
            .ToList();
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO bulk_load_pending (position, wave, statement) SELECT * FROM unnest(@positions, @waves, @statements)",
            new { positions = ordered.Select(p => p.Position).ToArray(), waves = ordered.Select(p => p.Wave).ToArray(), statements = ordered.Select(p => p.Statement).ToArray() },
            transaction, cancellationToken: ct));
        return ordered;
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
