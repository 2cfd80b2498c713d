using Dapper;
using Npgsql;
using TechCourse.Admin.Infrastructure.Auth;

namespace TechCourse.Admin.Bench;

/// Writes measured for throughput. worker = 0..7, n = the worker's operation number (distinct keys per worker).
public static class WriteCatalog
{
    public static decimal PriceFor(int worker, long n) => 10m + (n * 7 + worker) % 9000 / 100m;

    public static int CourseFor(WriteKeys keys, int worker, long n) => keys.CoursesByWorker[worker][n % keys.CoursesByWorker[worker].Length];

    public static (Guid Student, int Course) EnrollmentFor(Guid[] students, WriteKeys keys, long n) =>
        (students[n % students.Length], keys.PublishedCourses[n / students.Length % keys.PublishedCourses.Length]);

    public static IReadOnlyList<WriteEntry> All { get; } =
    [
        new("price change", 2_500,
            "UPDATE courses SET price (seed trigger only)",
            async (conn, keys, w, n, ct) =>
            {
                await using var command = new NpgsqlCommand("UPDATE courses SET price = @price WHERE course_id = @id", conn);
                command.Parameters.AddWithValue("price", PriceFor(w, n));
                command.Parameters.AddWithValue("id", CourseFor(keys, w, n));
                await command.ExecuteNonQueryAsync(ct);
            },
            async (c, w, n, ct) =>
            {
                // The foundation's write path (runtime login, actor transaction, RLS, attributed audit) until issue 4's class lands.
                await using var connection = await c.DataSource.OpenConnectionAsync(ct);
                await using var transaction = await connection.BeginAsActorAsync(c.Database.StaffActor, ct);
                await connection.ExecuteAsync(new CommandDefinition("""
                    SELECT set_config('app.change_reason', @reason, true);
                    UPDATE courses SET price = @price WHERE course_id = @id;
                    """, new { reason = "bench", price = PriceFor(w, n), id = CourseFor(c.Keys, w, n) }, transaction, cancellationToken: ct));
                await transaction.CommitAsync(ct);
            },
            "ActorTransactions + UPDATE as the runtime login (foundation path)"),
        new("enrollment insert", 2_000,
            "INSERT INTO enrollments (seed indexes and FKs)",
            async (conn, keys, w, n, ct) =>
            {
                var (student, course) = EnrollmentFor(keys.RawStudentsByWorker[w], keys, n);
                await using var command = new NpgsqlCommand("INSERT INTO enrollments (student_id, course_id, amount_paid) VALUES (@student, @course, 19.99)", conn);
                command.Parameters.AddWithValue("student", student);
                command.Parameters.AddWithValue("course", course);
                await command.ExecuteNonQueryAsync(ct);
            },
            null,
            "no app path yet (issue 5)"),
    ];
}
