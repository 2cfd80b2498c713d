using Npgsql;

namespace TechCourse.Admin.Bench;

/// Keys each write worker may use without colliding with another worker (own courses, own fresh students).
/// Prices holds each course's current price (reloaded before each side; a worker updates it for its own courses).
public sealed record WriteKeys(int[][] CoursesByWorker, int[] PublishedCourses, Guid[][] AppStudentsByWorker, Guid[][] RawStudentsByWorker)
{
    public System.Collections.Concurrent.ConcurrentDictionary<int, decimal> Prices { get; } = new();
}

public sealed record WriteContext(NpgsqlDataSource DataSource, BenchDatabase Database, WriteKeys Keys);

/// A write measured at N workers: through the app's own code path, and as the plain statement over one connection per worker.
/// App is null while the app has no such write yet.
public sealed record WriteEntry(
    string Name,
    double Goal,
    string RawLabel,
    Func<NpgsqlConnection, WriteKeys, int, long, CancellationToken, Task> Raw,
    Func<WriteContext, int, long, CancellationToken, Task>? App,
    string AppLabel);
