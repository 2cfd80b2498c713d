using Npgsql;
using TechCourse.Admin.Features.Courses;
using TechCourse.Admin.Features.Enrollments;

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
            "UPDATE courses SET price (owner; the audit trigger writes its entry)",
            async (conn, keys, w, n, ct) =>
            {
                await using var command = new NpgsqlCommand("UPDATE courses SET price = @price WHERE course_id = @id", conn);
                command.Parameters.AddWithValue("price", PriceFor(w, n));
                command.Parameters.AddWithValue("id", CourseFor(keys, w, n));
                await command.ExecuteNonQueryAsync(ct);
            },
            async (c, w, n, ct) =>
            {
                var course = CourseFor(c.Keys, w, n);
                var price = PriceFor(w, n);
                var result = await new CoursesStore(c.DataSource).UpdatePriceAsync(c.Database.StaffActor, course, c.Keys.Prices[course], price, "bench", ct);
                if (!result.Succeeded) throw new InvalidOperationException($"Price update of course {course} was {result.Outcome}: {result.Error?.Message}");
                c.Keys.Prices[course] = price;
            },
            "CoursesStore.UpdatePriceAsync (runtime login, RLS, actor and reason, expected price; one round trip)"),
        new("enrollment insert", 2_000,
            "INSERT INTO enrollments (owner; seed columns, the rollup trigger)",
            async (conn, keys, w, n, ct) =>
            {
                var (student, course) = EnrollmentFor(keys.RawStudentsByWorker[w], keys, n);
                await using var command = new NpgsqlCommand("INSERT INTO enrollments (student_id, course_id, amount_paid) VALUES (@student, @course, @amount)", conn);
                command.Parameters.AddWithValue("student", student);
                command.Parameters.AddWithValue("course", course);
                command.Parameters.AddWithValue("amount", keys.Prices[course]);
                await command.ExecuteNonQueryAsync(ct);
            },
            async (c, w, n, ct) =>
            {
                var (student, course) = EnrollmentFor(c.Keys.AppStudentsByWorker[w], c.Keys, n);
                var outcome = await new EnrollmentsQueries(c.DataSource).EnrollAsync(c.Database.StaffActor,
                    new EnrollRequest(Guid.NewGuid(), student, course, c.Keys.Prices[course], null, null), ct);
                if (outcome.Kind != EnrollOutcomeKind.Created) throw new InvalidOperationException($"Enrollment was {outcome.Kind}: {outcome.Error?.Message}");
            },
            "EnrollmentsQueries.EnrollAsync (runtime login, actor, enroll_student; one round trip)"),
    ];
}
