using System.Collections.Concurrent;
using System.Diagnostics;
using Dapper;
using Npgsql;
using TechCourse.Admin.Features.Audit;
using TechCourse.Admin.Features.Courses;
using TechCourse.Admin.Features.Enrollments;
using TechCourse.Admin.Features.Sales;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Infrastructure.Database;

namespace TechCourse.Admin.Infrastructure.Reliability;

public sealed record LoadTestOptions(int Writers, TimeSpan Duration, int Courses = 20, int Students = 2_000);

public sealed record LoadTestReport(
    int Writers, TimeSpan Elapsed, long PriceChanges, long Enrollments, decimal AmountPaid,
    long NotSaved, long DuplicatesRefused, long Conflicts, long RetriedWithSameToken, long ResolvedAfterRun, IReadOnlyList<string> Violations,
    IReadOnlyDictionary<string, long> FailuresBySqlState)
{
    public bool Passed => Violations.Count == 0;

    // The longest stretch of the run in which no writer had a write committed (a failover's pause, as writers see it).
    public TimeSpan LongestWithoutCommit { get; init; }

    public override string ToString() =>
        $"{Writers} writers for {Elapsed.TotalSeconds:F1} s: {PriceChanges:N0} price changes and {Enrollments:N0} enrollments ({AmountPaid:N2} paid) committed " +
        $"({(PriceChanges + Enrollments) / Math.Max(Elapsed.TotalSeconds, 0.001):N0}/s); {DuplicatesRefused:N0} duplicate enrollments refused; " +
        $"{Conflicts:N0} refused as changed meanwhile; {NotSaved:N0} reported 'not saved, try again'; {RetriedWithSameToken:N0} enrollments saved on a retry with the same token; " +
        $"{ResolvedAfterRun:N0} in-doubt price changes resolved by reading back; longest time without a commit {LongestWithoutCommit.TotalSeconds:F1} s; failures by SQLSTATE: " +
        (FailuresBySqlState.Count == 0 ? "none" : string.Join(", ", FailuresBySqlState.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key} × {f.Value:N0}"))) + ". " +
        (Passed ? "All invariants hold." : $"VIOLATIONS: {string.Join("; ", Violations)}");
}

// Concurrent writers changing prices and enrolling students through the pages' own classes, then checks: every committed price change has exactly one price_changes row and
// no row exists for a change not reported committed; each course's price is its last logged new price; no enrollment is
// duplicated; the enrollments' count and sum(amount_paid) equal what the writers report as committed.
// every sales rollup matches enrollments; the audit hash chain (sealed first) verifies. A price change whose outcome is unknown (connection lost) is resolved by
// reading its reason back.
public static class LoadTest
{
    public static async Task<LoadTestReport> RunAsync(string runtimeConnection, string ownerConnection, LoadTestOptions options,
        Func<CancellationToken, Task>? whileRunning = null, CancellationToken ct = default)
    {
        var run = $"{DateTime.UtcNow:yyyyMMddHHmmss}{Random.Shared.Next(1000):D3}";
        var (actor, courses, students) = await SetUpAsync(ownerConnection, run, options, ct);
        await using var runtime = NpgsqlDataSource.Create(Bounded(runtimeConnection, options));
        var ledger = new Ledger();
        var failures = WriteFailures.StartTally();
        var clock = Stopwatch.StartNew();
        ledger.Commits.Enqueue(Stopwatch.GetTimestamp());
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(options.Duration);
        var writers = Enumerable.Range(0, options.Writers).Select(w => Task.Run(() => WriteAsync(w, runtime, actor, courses, students, ledger, deadline.Token), CancellationToken.None)).ToList();
        if (whileRunning is not null) writers.Add(whileRunning(deadline.Token));
        await Task.WhenAll(writers);
        var elapsed = clock.Elapsed;
        ledger.Commits.Enqueue(Stopwatch.GetTimestamp());
        var (violations, resolved) = await VerifyAsync(ownerConnection, courses, ledger, ct);
        var unexpected = failures.Where(f => !IsExpected(f.Key)).OrderBy(f => f.Key, StringComparer.Ordinal).ToList();
        if (unexpected.Count > 0)
            violations = [.. violations, $"unexpected failures: {string.Join(", ", unexpected.Select(f => $"{f.Key} × {f.Value:N0}"))}"];
        return new LoadTestReport(options.Writers, elapsed, ledger.PriceChanges.Count, ledger.Enrollments.Count, ledger.Enrollments.Values.Sum(),
            ledger.NotSaved, ledger.Duplicates, ledger.Conflicts, ledger.Retried, resolved, violations, new Dictionary<string, long>(failures))
        {
            LongestWithoutCommit = ledger.LongestWithoutCommit(),
        };
    }

    // No write may wait forever on a server that went away: connect and command timeouts bound every attempt.
    private static string Bounded(string connectionString, LoadTestOptions options) => new NpgsqlConnectionStringBuilder(connectionString)
    {
        MaxPoolSize = Math.Max(options.Writers + 5, 10), Timeout = 5, CommandTimeout = 15, CancellationTimeout = 2000,
    }.ConnectionString;

    private sealed class Ledger
    {
        public readonly ConcurrentDictionary<string, int> PriceChanges = new();
        public readonly ConcurrentDictionary<(Guid, int), decimal> Enrollments = new();
        public readonly ConcurrentDictionary<string, int> InDoubtPrices = new();
        public readonly ConcurrentDictionary<(Guid, int), byte> InDoubtEnrollments = new();
        public readonly ConcurrentBag<string> Violations = [];
        public long NotSaved;
        public long Duplicates;
        public long Conflicts;
        public long Retried;
        public readonly ConcurrentQueue<long> Commits = new();

        public void Committed() => Commits.Enqueue(Stopwatch.GetTimestamp());

        public TimeSpan LongestWithoutCommit()
        {
            var times = Commits.Order().ToArray();
            return times.Zip(times.Skip(1), (a, b) => Stopwatch.GetElapsedTime(a, b)).DefaultIfEmpty().Max();
        }
    }

    private static readonly HashSet<string> Transient = [DatabaseErrors.Unavailable, DatabaseErrors.TimedOut, DatabaseErrors.Conflict];

    // What concurrent writers, an outage or a failover may cause: a duplicate enrollment refused, a serialization
    // failure or deadlock, a statement timeout, a read-only server (a standby, a primary being demoted), a server
    // shutting down, starting or full, a lost connection. Anything else (e.g. 26000, 42P05, 08P01: a pooler that does
    // not fit) fails the run.
    private static readonly HashSet<string> ExpectedStates =
    [
        PostgresErrorCodes.UniqueViolation, PostgresErrorCodes.SerializationFailure, PostgresErrorCodes.DeadlockDetected, PostgresErrorCodes.QueryCanceled,
        PostgresErrorCodes.ReadOnlySqlTransaction, PostgresErrorCodes.AdminShutdown, PostgresErrorCodes.CrashShutdown, PostgresErrorCodes.CannotConnectNow,
        PostgresErrorCodes.TooManyConnections, "connection", "timeout",
    ];

    private static bool IsExpected(string code) =>
        ExpectedStates.Contains(code) || (code.StartsWith("08", StringComparison.Ordinal) && code != PostgresErrorCodes.ProtocolViolation);

    // Each writer does what the pages do: the courses page's CoursesStore.UpdatePriceAsync (expected price, reason) and
    // the enrollment form's EnrollmentsQueries.EnrollAsync (shown price, request token). A "not saved, try again" on an
    // enrollment is retried with the same token, as the form does, so a commit whose answer was lost is not repeated.
    private static async Task WriteAsync(int writer, NpgsqlDataSource runtime, Actor actor, int[] courses, Guid[] students, Ledger ledger, CancellationToken stop)
    {
        var random = new Random(writer * 7919 + 17);
        var store = new CoursesStore(runtime);
        var enrollments = new EnrollmentsQueries(runtime);
        for (var op = 0; !stop.IsCancellationRequested; op++)
        {
            var course = courses[random.Next(courses.Length)];
            try
            {
                var current = (await enrollments.PublishedCourseAsync(course, CancellationToken.None))?.Price;
                if (current is not { } shown)
                {
                    Interlocked.Increment(ref ledger.NotSaved);
                    continue;
                }
                if (random.Next(2) == 0)
                {
                    var opId = $"load w{writer} op{op}";
                    var price = Math.Round((decimal)(random.NextDouble() * 500) + 1, 2);
                    if (price == shown) continue;
                    var result = await store.UpdatePriceAsync(actor, course, shown, price, opId, CancellationToken.None);
                    if (result.Outcome == SaveOutcome.Saved)
                    {
                        ledger.PriceChanges[opId] = course;
                        ledger.Committed();
                    }
                    else if (result.Outcome == SaveOutcome.Conflict) Interlocked.Increment(ref ledger.Conflicts);
                    else if (result.Error is { } error && Transient.Contains(error.Message)) ledger.InDoubtPrices[opId] = course;
                    else ledger.Violations.Add($"price change {opId}: {result.Outcome} {result.Error?.Message}");
                }
                else
                {
                    var request = new EnrollRequest(Guid.NewGuid(), students[random.Next(students.Length)], course, shown, null, null);
                    await EnrollAsync(enrollments, actor, request, ledger);
                }
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                WriteFailures.Record(e);
                Interlocked.Increment(ref ledger.NotSaved);
                await Task.Delay(50, CancellationToken.None);
            }
        }
    }

    private static async Task EnrollAsync(EnrollmentsQueries enrollments, Actor actor, EnrollRequest request, Ledger ledger)
    {
        for (var attempt = 0; attempt < 40; attempt++)
        {
            EnrollOutcome outcome;
            try
            {
                outcome = await enrollments.EnrollAsync(actor, request, CancellationToken.None);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                outcome = new EnrollOutcome(EnrollOutcomeKind.Refused, Error: new FieldError(null, DatabaseErrors.Unavailable));
            }
            switch (outcome.Kind)
            {
                case EnrollOutcomeKind.Created:
                case EnrollOutcomeKind.AlreadySaved:
                    if (attempt > 0) Interlocked.Increment(ref ledger.Retried);
                    if (!ledger.Enrollments.TryAdd((request.StudentId, request.CourseId), outcome.AmountPaid ?? -1))
                        ledger.Violations.Add($"enrollment of {request.StudentId} in {request.CourseId} reported saved twice");
                    ledger.Committed();
                    return;
                case EnrollOutcomeKind.PriceChanged:
                    Interlocked.Increment(ref ledger.Conflicts);
                    return;
                case EnrollOutcomeKind.Refused when outcome.Error?.Message == EnrollmentsQueries.AlreadyEnrolled:
                    Interlocked.Increment(ref ledger.Duplicates);
                    return;
                case EnrollOutcomeKind.Refused when outcome.Error is { } error && Transient.Contains(error.Message):
                    Interlocked.Increment(ref ledger.NotSaved);
                    await Task.Delay(250, CancellationToken.None);
                    continue;
                default:
                    ledger.Violations.Add($"enrollment refused: {outcome.Error?.Message}");
                    return;
            }
        }
        ledger.InDoubtEnrollments[(request.StudentId, request.CourseId)] = 0;
    }

    private static async Task<(IReadOnlyList<string> Violations, long Resolved)> VerifyAsync(string ownerConnection, int[] courses, Ledger ledger, CancellationToken ct)
    {
        var violations = new List<string>(ledger.Violations);
        long resolved = 0;
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(ownerConnection) { Pooling = false }.ConnectionString);
        await connection.OpenAsync(ct);
        var logged = (await connection.QueryAsync<(string Reason, long Rows)>(new CommandDefinition(
            "SELECT reason, count(*) FROM price_changes WHERE course_id = ANY(@courses) GROUP BY reason", new { courses }, cancellationToken: ct)))
            .ToDictionary(r => r.Reason ?? "(none)", r => r.Rows);
        foreach (var (opId, course) in ledger.InDoubtPrices)
            if (logged.ContainsKey(opId)) { ledger.PriceChanges[opId] = course; resolved++; }
        foreach (var opId in ledger.PriceChanges.Keys)
            if (logged.GetValueOrDefault(opId) != 1) violations.Add($"committed price change '{opId}' has {logged.GetValueOrDefault(opId)} audit rows");
        foreach (var (reason, count) in logged.Where(l => !ledger.PriceChanges.ContainsKey(l.Key)))
            violations.Add($"{count} audit row(s) '{reason}' for a change no writer committed");
        var stale = await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
            SELECT count(*) FROM courses c
            WHERE c.course_id = ANY(@courses)
              AND c.price IS DISTINCT FROM coalesce((SELECT p.new_price FROM price_changes p WHERE p.course_id = c.course_id ORDER BY p.log_id DESC LIMIT 1), 100)
            """, new { courses }, cancellationToken: ct));
        if (stale > 0) violations.Add($"{stale} course(s) whose price is not their last logged new price");

        foreach (var (student, course) in ledger.InDoubtEnrollments.Keys)
        {
            var paid = await connection.ExecuteScalarAsync<decimal?>(new CommandDefinition(
                "SELECT amount_paid FROM enrollments WHERE student_id = @student AND course_id = @course", new { student, course }, cancellationToken: ct));
            if (paid is { } amount && ledger.Enrollments.TryAdd((student, course), amount)) resolved++;
        }
        var duplicates = await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
            SELECT count(*) FROM (SELECT 1 FROM enrollments WHERE course_id = ANY(@courses) GROUP BY student_id, course_id HAVING count(*) > 1) d
            """, new { courses }, cancellationToken: ct));
        if (duplicates > 0) violations.Add($"{duplicates} duplicated enrollment(s)");
        var (rows, sum) = await connection.QuerySingleAsync<(long, decimal)>(new CommandDefinition(
            "SELECT count(*), coalesce(sum(amount_paid), 0) FROM enrollments WHERE course_id = ANY(@courses)", new { courses }, cancellationToken: ct));
        if (rows != ledger.Enrollments.Count) violations.Add($"{rows} enrollments in the database, {ledger.Enrollments.Count} reported committed");
        if (sum != ledger.Enrollments.Values.Sum()) violations.Add($"sum(amount_paid) is {sum}, writers committed {ledger.Enrollments.Values.Sum()}");
        var rollups = await SalesRollups.VerifyAsync(connection, ct);
        if (rollups.Count > 0) violations.Add($"{rollups.Count} sales rollup difference(s), e.g. {rollups[0]}");
        await using var chainSource = NpgsqlDataSource.Create(ownerConnection);
        var chain = await new AuditChain(chainSource).VerifyAsync(ct);
        if (!chain.Intact) violations.Add($"audit chain broken: {chain.FirstBreak}");
        else if (chain.Checked == 0 && !ledger.PriceChanges.IsEmpty) violations.Add("audit chain sealed none of the price changes");
        return (violations, resolved);
    }

    private static async Task<(Actor Actor, int[] Courses, Guid[] Students)> SetUpAsync(string ownerConnection, string run, LoadTestOptions options, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(ownerConnection);
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var admin = await connection.ExecuteScalarAsync<Guid>(new CommandDefinition(
            "INSERT INTO users (email, role) VALUES (@email, 'Admin') RETURNING user_id", new { email = $"loadtest-{run}-admin@loadtest.invalid" }, transaction, cancellationToken: ct));
        var instructor = await connection.ExecuteScalarAsync<Guid>(new CommandDefinition(
            "INSERT INTO users (email, role) VALUES (@email, 'Instructor') RETURNING user_id", new { email = $"loadtest-{run}-instructor@loadtest.invalid" }, transaction, cancellationToken: ct));
        var courses = (await connection.QueryAsync<int>(new CommandDefinition("""
            INSERT INTO courses (instructor_id, title, price, is_published)
            SELECT @instructor, 'Load test ' || @run || ' #' || n, 100, true FROM generate_series(1, @count) n RETURNING course_id
            """, new { instructor, run, count = options.Courses }, transaction, cancellationToken: ct))).ToArray();
        var students = (await connection.QueryAsync<Guid>(new CommandDefinition("""
            INSERT INTO users (email, role)
            SELECT 'loadtest-' || @run || '-student-' || n || '@loadtest.invalid', 'Student' FROM generate_series(1, @count) n RETURNING user_id
            """, new { run, count = options.Students }, transaction, cancellationToken: ct))).ToArray();
        await transaction.CommitAsync(ct);
        // The writers act through a real session, as a signed-in admin's pages do (tooling opens it on the owner connection).
        var session = await SessionStore.OpenAsOwnerAsync(connection, admin, options.Duration + TimeSpan.FromHours(1), ct);
        return (new Actor(admin, $"loadtest-{run}-admin@loadtest.invalid", StaffRoles.Admin, session), courses, students);
    }
}
