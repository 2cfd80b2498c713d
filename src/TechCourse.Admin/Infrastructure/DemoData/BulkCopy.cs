using Dapper;
using Npgsql;
using NpgsqlTypes;

namespace TechCourse.Admin.Infrastructure.DemoData;

// Binary COPY of each table's generated rows, ids written as generated (the loader sets the sequences after).
internal static class BulkCopy
{
    public static async Task<long> UsersAsync(NpgsqlConnection connection, IEnumerable<GeneratedUser> users, CancellationToken ct)
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

    public static async Task<long> CoursesAsync(NpgsqlConnection connection, IEnumerable<GeneratedCourse> courses, CancellationToken ct)
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

    // The loaded price changes arrive sealed into the audit hash chain (from the chain's anchor, log ids 1…n, the
    // loading role as their source), so the app's sealer has nothing left to do after a load.
    public static async Task<long> PriceChangesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IEnumerable<GeneratedPriceChange> changes, CancellationToken ct)
    {
        var (source, sequence, hash) = await connection.QuerySingleAsync<(string, long, byte[])>(new CommandDefinition(
            "SELECT session_user::text, anchor_seq, anchor_hash FROM price_change_chain_anchor", transaction: transaction, cancellationToken: ct));
        await using var writer = await connection.BeginBinaryImportAsync(
            "COPY price_changes (log_id, course_id, old_price, new_price, changed_at, source, seal_seq, prev_hash, entry_hash) FROM STDIN (FORMAT BINARY)", ct);
        var logId = 0;
        foreach (var change in changes)
        {
            logId++;
            sequence++;
            var previous = hash;
            hash = PriceChangeSeal.Hash(previous, logId, change.CourseId, change.OldPrice, change.NewPrice, change.ChangedAt, source);
            writer.StartRow();
            writer.Write(logId, NpgsqlDbType.Integer);
            writer.Write(change.CourseId, NpgsqlDbType.Integer);
            writer.Write(change.OldPrice, NpgsqlDbType.Numeric);
            writer.Write(change.NewPrice, NpgsqlDbType.Numeric);
            writer.Write(change.ChangedAt, NpgsqlDbType.TimestampTz);
            writer.Write(source, NpgsqlDbType.Text);
            writer.Write(sequence, NpgsqlDbType.Bigint);
            writer.Write(previous, NpgsqlDbType.Bytea);
            writer.Write(hash, NpgsqlDbType.Bytea);
        }
        return (long)await writer.CompleteAsync(ct);
    }

    public static async Task<long> EnrollmentsAsync(NpgsqlConnection connection, IEnumerable<GeneratedEnrollment> enrollments, CancellationToken ct)
    {
        await using var writer = await connection.BeginBinaryImportAsync(
            "COPY enrollments (enrollment_id, student_id, course_id, amount_paid, enrolled_at) FROM STDIN (FORMAT BINARY)", ct);
        var enrollmentId = 0;
        foreach (var enrollment in enrollments)
        {
            writer.StartRow();
            writer.Write(++enrollmentId, NpgsqlDbType.Integer);
            writer.Write(enrollment.StudentId, NpgsqlDbType.Uuid);
            writer.Write(enrollment.CourseId, NpgsqlDbType.Integer);
            writer.Write(enrollment.AmountPaid, NpgsqlDbType.Numeric);
            writer.Write(enrollment.EnrolledAt, NpgsqlDbType.TimestampTz);
        }
        return (long)await writer.CompleteAsync(ct);
    }
}
