using System.Diagnostics;
using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace TechCourse.Admin.Infrastructure.DemoData;

public sealed record LoadReport(long Users, long Courses, long PriceChanges, long Enrollments, TimeSpan Copy, TimeSpan Indexes, TimeSpan Total);

/// Loads generated rows with binary COPY into empty tables; secondary indexes and constraints are dropped first and
/// rebuilt after the load, all in one transaction, so a failure leaves the database as it was.
public static class BulkLoader
{
    private static readonly string[] Tables = ["users", "courses", "enrollments", "price_changes"];

    public static async Task<LoadReport> LoadAsync(string ownerConnectionString, DemoDataGenerator generator, CancellationToken ct)
    {
        var total = Stopwatch.StartNew();
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync(ct);
        await EnsureEmptyAsync(connection, ct);

        await using var transaction = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "SET LOCAL maintenance_work_mem = '1GB'; SET LOCAL max_parallel_maintenance_workers = 2", transaction: transaction, cancellationToken: ct));
        var deferred = await DropSecondaryStructuresAsync(connection, transaction, ct);

        var users = await CopyUsersAsync(connection, generator.Instructors.Concat(generator.Students()), ct);
        var courses = await CopyCoursesAsync(connection, generator.Courses, ct);
        var changes = await CopyPriceChangesAsync(connection, generator.PriceChanges(), ct);
        // The sales rollups are filled once after the copy instead of row by row by their trigger.
        await connection.ExecuteAsync(new CommandDefinition("ALTER TABLE enrollments DISABLE TRIGGER sales_delta_insert", transaction: transaction, cancellationToken: ct));
        var enrollments = await CopyEnrollmentsAsync(connection, generator.Enrollments(), ct);
        var copied = total.Elapsed;

        foreach (var statement in deferred)
            await connection.ExecuteAsync(new CommandDefinition(statement, transaction: transaction, commandTimeout: 0, cancellationToken: ct));
        await connection.ExecuteAsync(new CommandDefinition("""
            SELECT setval(pg_get_serial_sequence('courses', 'course_id'), GREATEST((SELECT max(course_id) FROM courses), 1));
            ALTER TABLE enrollments ENABLE TRIGGER sales_delta_insert;
            SELECT sales_rollups_rebuild();
            """, transaction: transaction, commandTimeout: 0, cancellationToken: ct));
        await transaction.CommitAsync(ct);
        var indexed = total.Elapsed - copied;
        await connection.ExecuteAsync(new CommandDefinition("ANALYZE users, courses, enrollments, price_changes", commandTimeout: 0, cancellationToken: ct));
        return new LoadReport(users, courses, changes, enrollments, copied, indexed, total.Elapsed);
    }

    private static async Task EnsureEmptyAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var rows = await connection.ExecuteScalarAsync<bool>(new CommandDefinition("""
            SELECT EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM courses)
                OR EXISTS (SELECT 1 FROM enrollments) OR EXISTS (SELECT 1 FROM price_changes)
            """, cancellationToken: ct));
        if (rows) throw new InvalidOperationException("The database already has users, courses, enrollments or price changes; demo data loads only into empty tables.");
    }

    /// Returns the statements that put back what was dropped: foreign keys last, after the unique keys they lean on.
    private static async Task<IReadOnlyList<string>> DropSecondaryStructuresAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        var constraints = (await connection.QueryAsync<(string Table, string Name, char Kind, string Definition)>(new CommandDefinition("""
            SELECT c.conrelid::regclass::text, c.conname, c.contype, pg_get_constraintdef(c.oid)
            FROM pg_constraint c
            WHERE c.conrelid = ANY(@tables::regclass[]) AND c.contype IN ('f', 'u')
            ORDER BY c.contype DESC, c.conname
            """, new { tables = Tables }, transaction, cancellationToken: ct))).ToList();
        var indexes = (await connection.QueryAsync<(string Name, string Definition)>(new CommandDefinition("""
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i
            WHERE i.indrelid = ANY(@tables::regclass[])
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            ORDER BY 1
            """, new { tables = Tables }, transaction, cancellationToken: ct))).ToList();

        foreach (var fk in constraints.Where(c => c.Kind == 'f'))
            await connection.ExecuteAsync(new CommandDefinition($"ALTER TABLE {fk.Table} DROP CONSTRAINT {Quote(fk.Name)}", transaction: transaction, cancellationToken: ct));
        foreach (var unique in constraints.Where(c => c.Kind == 'u'))
            await connection.ExecuteAsync(new CommandDefinition($"ALTER TABLE {unique.Table} DROP CONSTRAINT {Quote(unique.Name)}", transaction: transaction, cancellationToken: ct));
        foreach (var index in indexes)
            await connection.ExecuteAsync(new CommandDefinition($"DROP INDEX {index.Name}", transaction: transaction, cancellationToken: ct));

        return
        [
            .. constraints.Where(c => c.Kind == 'u').Select(c => $"ALTER TABLE {c.Table} ADD CONSTRAINT {Quote(c.Name)} {c.Definition}"),
            .. indexes.Select(i => i.Definition),
            .. constraints.Where(c => c.Kind == 'f').Select(c => $"ALTER TABLE {c.Table} ADD CONSTRAINT {Quote(c.Name)} {c.Definition}"),
        ];
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static async Task<long> CopyUsersAsync(NpgsqlConnection connection, IEnumerable<GeneratedUser> users, CancellationToken ct)
    {
        await using var writer = await connection.BeginBinaryImportAsync("COPY users (user_id, email, role, created_at) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var user in users)
        {
            writer.StartRow();
            writer.Write(user.UserId, NpgsqlDbType.Uuid);
            writer.Write(user.Email, NpgsqlDbType.Varchar);
            writer.Write(user.Role, NpgsqlDbType.Varchar);
            writer.Write(user.CreatedAt, NpgsqlDbType.TimestampTz);
        }
        return (long)await writer.CompleteAsync(ct);
    }

    private static async Task<long> CopyCoursesAsync(NpgsqlConnection connection, IEnumerable<GeneratedCourse> courses, CancellationToken ct)
    {
        await using var writer = await connection.BeginBinaryImportAsync(
            "COPY courses (course_id, instructor_id, title, price, is_published, quiz_metadata) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var course in courses)
        {
            writer.StartRow();
            writer.Write(course.CourseId, NpgsqlDbType.Integer);
            writer.Write(course.InstructorId, NpgsqlDbType.Uuid);
            writer.Write(course.Title, NpgsqlDbType.Varchar);
            writer.Write(course.Price, NpgsqlDbType.Numeric);
            writer.Write(course.IsPublished, NpgsqlDbType.Boolean);
            if (course.QuizMetadata is null) writer.WriteNull();
            else writer.Write(course.QuizMetadata, NpgsqlDbType.Jsonb);
        }
        return (long)await writer.CompleteAsync(ct);
    }

    private static async Task<long> CopyPriceChangesAsync(NpgsqlConnection connection, IEnumerable<GeneratedPriceChange> changes, CancellationToken ct)
    {
        await using var writer = await connection.BeginBinaryImportAsync(
            "COPY price_changes (course_id, old_price, new_price, changed_at) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var change in changes)
        {
            writer.StartRow();
            writer.Write(change.CourseId, NpgsqlDbType.Integer);
            writer.Write(change.OldPrice, NpgsqlDbType.Numeric);
            writer.Write(change.NewPrice, NpgsqlDbType.Numeric);
            writer.Write(change.ChangedAt, NpgsqlDbType.TimestampTz);
        }
        return (long)await writer.CompleteAsync(ct);
    }

    private static async Task<long> CopyEnrollmentsAsync(NpgsqlConnection connection, IEnumerable<GeneratedEnrollment> enrollments, CancellationToken ct)
    {
        await using var writer = await connection.BeginBinaryImportAsync(
            "COPY enrollments (student_id, course_id, amount_paid, enrolled_at) FROM STDIN (FORMAT BINARY)", ct);
        foreach (var enrollment in enrollments)
        {
            writer.StartRow();
            writer.Write(enrollment.StudentId, NpgsqlDbType.Uuid);
            writer.Write(enrollment.CourseId, NpgsqlDbType.Integer);
            writer.Write(enrollment.AmountPaid, NpgsqlDbType.Numeric);
            writer.Write(enrollment.EnrolledAt, NpgsqlDbType.TimestampTz);
        }
        return (long)await writer.CompleteAsync(ct);
    }
}
