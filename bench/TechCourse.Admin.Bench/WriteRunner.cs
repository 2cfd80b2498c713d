using System.Diagnostics;
using Dapper;
using Npgsql;

namespace TechCourse.Admin.Bench;

public sealed record Throughput(long Operations, int Errors, double PerSecond, string? FirstError);

public sealed record WriteResult(string Name, double Goal, string RawLabel, Throughput? Raw, string AppLabel, Throughput? App, string? Error)
{
    public double? Ratio => Raw is { PerSecond: > 0 } r && App is { } a ? a.PerSecond / r.PerSecond : null;
}

/// Write throughput at 8 workers. Enrollments go to students kept for the bench (bench-student-N@bench.invalid) and
/// are deleted afterwards; price changes stay in the audit log, as they would in production.
public sealed class WriteRunner(BenchDatabase database, NpgsqlDataSource runtime, BenchOptions options)
{
    public const int Workers = 8;
    /// Long enough for the JIT to finish its tier-1 recompiles of the code path (about 2,000 methods; at 1 s it was
    /// still compiling through the measurement, on the same two cores as the database).
    public const int WarmUpSeconds = 5;
    private const string StudentPattern = "bench-student-%@bench.invalid";

    public async Task<WriteKeys> PrepareAsync(CancellationToken ct)
    {
        await CleanUpAsync(ct);
        await using var connection = new NpgsqlConnection(database.OwnerConnectionString);
        await connection.OpenAsync(ct);
        var students = (await connection.QueryAsync<Guid>(new CommandDefinition("""
            INSERT INTO users (email, role)
            SELECT e, 'Student' FROM (SELECT 'bench-student-' || k || '@bench.invalid' AS e FROM generate_series(1, @count) k) n
            WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.email = n.e);
            SELECT user_id FROM users WHERE email LIKE @pattern ORDER BY email
            """, new { count = Workers * 16 * 2, pattern = StudentPattern }, cancellationToken: ct))).ToArray();
        var catalog = new { prefix = CampaignBench.SchedulerCoursePrefix + "%" };
        var courses = (await connection.QueryAsync<int>(new CommandDefinition(
            "SELECT course_id FROM courses WHERE title NOT LIKE @prefix ORDER BY course_id", catalog, cancellationToken: ct))).ToArray();
        var published = (await connection.QueryAsync<int>(new CommandDefinition(
            "SELECT course_id FROM courses WHERE is_published AND title NOT LIKE @prefix ORDER BY course_id", catalog, cancellationToken: ct))).ToArray();
        return new WriteKeys(
            Enumerable.Range(0, Workers).Select(w => courses.Where(c => c % Workers == w).ToArray()).ToArray(),
            published,
            Enumerable.Range(0, Workers).Select(w => students.Skip(w * 16).Take(16).ToArray()).ToArray(),
            Enumerable.Range(0, Workers).Select(w => students.Skip((Workers + w) * 16).Take(16).ToArray()).ToArray());
    }

    public async Task CleanUpAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(database.OwnerConnectionString);
        await connection.OpenAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM enrollments WHERE student_id IN (SELECT user_id FROM users WHERE email LIKE @pattern)", new { pattern = StudentPattern }, commandTimeout: 600, cancellationToken: ct));
    }

    public async Task<WriteResult> RunAsync(WriteEntry entry, WriteKeys keys, CancellationToken ct)
    {
        try
        {
            await LoadPricesAsync(keys, ct);
            var raw = await MeasureAsync(async (w, ct2) =>
            {
                var connection = new NpgsqlConnection(options.ForWrites(database.OwnerConnectionString));
                await connection.OpenAsync(ct2);
                Func<long, Task> write = n => entry.Raw(connection, keys, w, n, ct2);
                return (write, (NpgsqlConnection?)connection);
            }, ct);
            Throughput? app = null;
            if (entry.App is { } appWrite)
            {
                await LoadPricesAsync(keys, ct);
                var context = new WriteContext(runtime, database, keys);
                app = await MeasureAsync((w, ct2) => Task.FromResult(((Func<long, Task>)(n => appWrite(context, w, n, ct2)), (NpgsqlConnection?)null)), ct);
            }
            return new WriteResult(entry.Name, entry.Goal, entry.RawLabel, raw, entry.AppLabel, app, null);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            return new WriteResult(entry.Name, entry.Goal, entry.RawLabel, null, entry.AppLabel, null, e.Message);
        }
    }

    // The app's side of a write alone (fresh prices, warm-up, then WriteSeconds), for a measurement beside other work.
    public async Task<Throughput> MeasureAppAsync(WriteEntry entry, WriteKeys keys, CancellationToken ct)
    {
        var appWrite = entry.App ?? throw new InvalidOperationException($"{entry.Name} has no app path.");
        await LoadPricesAsync(keys, ct);
        var context = new WriteContext(runtime, database, keys);
        return await MeasureAsync((w, ct2) => Task.FromResult(((Func<long, Task>)(n => appWrite(context, w, n, ct2)), (NpgsqlConnection?)null)), ct);
    }

    private async Task LoadPricesAsync(WriteKeys keys, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(database.OwnerConnectionString);
        await connection.OpenAsync(ct);
        foreach (var (course, price) in await connection.QueryAsync<(int, decimal)>(new CommandDefinition("SELECT course_id, price FROM courses", cancellationToken: ct)))
            keys.Prices[course] = price;
    }

    /// Warm-up of WarmUpSeconds (not counted), then options.WriteSeconds of counted operations on every worker.
    private async Task<Throughput> MeasureAsync(Func<int, CancellationToken, Task<(Func<long, Task> Write, NpgsqlConnection? Owned)>> open, CancellationToken ct)
    {
        var workers = new List<(Func<long, Task> Write, NpgsqlConnection? Owned)>();
        for (var w = 0; w < Workers; w++) workers.Add(await open(w, ct));
        var counters = new long[Workers];
        var errors = 0;
        string? firstError = null;
        var warmUntil = Stopwatch.GetTimestamp() + Stopwatch.Frequency * WarmUpSeconds;
        var measuring = 0L;
        long started = 0;
        var stopAt = 0L;
        var tasks = workers.Select((worker, w) => Task.Run(async () =>
        {
            long n = 0;
            while (true)
            {
                var now = Stopwatch.GetTimestamp();
                if (Interlocked.Read(ref measuring) == 1 && now >= Interlocked.Read(ref stopAt)) break;
                try
                {
                    await worker.Write(n++);
                    if (Interlocked.Read(ref measuring) == 1) counters[w]++;
                }
                catch (Exception e) when (e is PostgresException or InvalidOperationException)
                {
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstError, e is PostgresException p ? $"{p.SqlState}: {p.MessageText}" : e.Message, null);
                }
            }
        }, ct)).ToArray();
        while (Stopwatch.GetTimestamp() < warmUntil) await Task.Delay(20, ct);
        started = Stopwatch.GetTimestamp();
        Interlocked.Exchange(ref stopAt, started + Stopwatch.Frequency * options.WriteSeconds);
        Interlocked.Exchange(ref measuring, 1);
        await Task.WhenAll(tasks);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        foreach (var (_, owned) in workers)
            if (owned is not null) await owned.DisposeAsync();
        var total = counters.Sum();
        return new Throughput(total, errors, total / seconds, firstError);
    }
}
