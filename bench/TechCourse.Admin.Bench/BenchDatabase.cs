using System.Diagnostics;
using Dapper;
using Npgsql;
using TechCourse.Admin.Features.Sales;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Infrastructure.Database;
using TechCourse.Admin.Infrastructure.DemoData;
using TechCourse.Admin.Infrastructure.Postgres;

namespace TechCourse.Admin.Bench;

public sealed record LoadFigures(long Users, long Courses, long Enrollments, long PriceChanges, DateTimeOffset FirstEnrollment, DateTimeOffset LastEnrollment, TimeSpan Copy, TimeSpan Indexes, TimeSpan Total,
    IReadOnlyList<LoadStep> Steps, TimeSpan Vacuum);

/// The database under measurement: an existing one (--connection) or a throwaway cluster loaded at capstone scale.
public sealed class BenchDatabase : IAsyncDisposable
{
    private const string RuntimeLoginPrefix = "techcourse_bench_runtime";
    public const string StaffEmail = "bench-admin@techcourse.invalid";
    public const string StaffPassword = "bench-admin-password-2026";
    public const string AccountingEmail = "bench-accounting@techcourse.invalid";
    private const string ThrowawayDatabase = "techcourse_bench";
    private readonly LocalPostgresCluster? cluster;

    private BenchDatabase(string owner, string runtime, Guid staffId, string staffSession, LoadFigures? load, LocalPostgresCluster? cluster)
    {
        OwnerConnectionString = owner;
        RuntimeConnectionString = runtime;
        StaffUserId = staffId;
        StaffSession = staffSession;
        Load = load;
        this.cluster = cluster;
    }

    public string OwnerConnectionString { get; }
    public string RuntimeConnectionString { get; }
    public Guid StaffUserId { get; }
    /// A live session of the bench admin: the app's writes act through it, as a signed-in admin's do.
    public string StaffSession { get; }
    public LoadFigures? Load { get; }
    public Actor StaffActor => new(StaffUserId, StaffEmail, StaffRoles.Admin, StaffSession);

    public static async Task<BenchDatabase> OpenAsync(BenchOptions options, ILogger logger, CancellationToken ct)
    {
        LocalPostgresCluster? cluster = null;
        string owner;
        LoadFigures? load = null;
        if (options.Connection is { } given)
        {
            owner = given;
            // At full scale a migration's index builds take minutes: no command timeout for them.
            var applied = Migrator.Apply(new NpgsqlConnectionStringBuilder(owner) { CommandTimeout = 0 }.ConnectionString, logger);
            Console.WriteLine(applied.Count == 0 ? "Migrations: up to date." : $"Migrations applied: {string.Join(", ", applied)}");
            // The app's folder folds the sales deltas on start and every second; a database kept between bench runs
            // still holds what earlier runs' writers left, which no running app would.
            await using var folding = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(owner) { CommandTimeout = 0 }.ConnectionString);
            await folding.OpenAsync(ct);
            if (await SalesRollups.FoldAsync(folding, ct) is > 0 and var folded)
                Console.WriteLine($"Folded {folded:N0} sales deltas left by earlier runs, as the app would have.");
        }
        else
        {
            var root = Path.Combine(Path.GetTempPath(), $"tc-bench-{Guid.NewGuid():N}"[..20]);
            Console.WriteLine($"Starting a throwaway PostgreSQL cluster in {root}…");
            cluster = await LocalPostgresCluster.StartAsync(new LocalClusterSettings(root, Throwaway: true)
            {
                ServerSettings = new Dictionary<string, string> { ["shared_buffers"] = "512MB", ["max_wal_size"] = "4GB", ["checkpoint_timeout"] = "30min" },
            }, ct);
            await EmbeddedDatabase.EnsureDatabaseAsync(cluster.ConnectionString(), ThrowawayDatabase, ct);
            owner = cluster.ConnectionString(ThrowawayDatabase);
            Migrator.Apply(new NpgsqlConnectionStringBuilder(owner) { CommandTimeout = 0 }.ConnectionString, logger);
            load = await LoadCapstoneAsync(owner, ct);
        }

        var runtime = await EnsureRuntimeLoginAsync(owner, ct);
        await using var connection = new NpgsqlConnection(owner);
        await connection.OpenAsync(ct);
        var staffId = await StaffAccounts.CreateOrResetAsync(connection, StaffEmail, StaffRoles.Admin, StaffPassword, ct);
        var session = await SessionStore.OpenAsOwnerAsync(connection, staffId, TimeSpan.FromHours(12), ct);
        return new BenchDatabase(owner, runtime, staffId, session, load, cluster);
    }

    /// The email of a staff login of this role with the password StaffPassword: the bench admin, the bench accounting
    /// account, or the instructor with the most courses (their own email; a bench password is set).
    public async Task<string> StaffLoginAsync(string role, CancellationToken ct)
    {
        if (role == StaffRoles.Admin) return StaffEmail;
        await using var connection = new NpgsqlConnection(OwnerConnectionString);
        await connection.OpenAsync(ct);
        var email = role switch
        {
            StaffRoles.Accounting => AccountingEmail,
            StaffRoles.Instructor => await connection.ExecuteScalarAsync<string>(new CommandDefinition("""
                SELECT u.email FROM users u JOIN courses c ON c.instructor_id = u.user_id
                WHERE u.role = 'Instructor' GROUP BY u.user_id, u.email ORDER BY count(*) DESC, u.user_id LIMIT 1
                """, cancellationToken: ct)) ?? throw new InvalidOperationException("No instructor has a course."),
            _ => throw new ArgumentException($"No bench login for the role '{role}'.", nameof(role)),
        };
        await StaffAccounts.CreateOrResetAsync(connection, email, role, StaffPassword, ct);
        return email;
    }

    private static async Task<LoadFigures> LoadCapstoneAsync(string owner, CancellationToken ct)
    {
        var scale = DataScale.Capstone;
        Console.WriteLine($"Loading the capstone scale: {scale.Students:N0} students, {scale.Instructors:N0} instructors, {scale.Courses:N0} courses, " +
                          $"{scale.Enrollments:N0} enrollments and {scale.PriceChanges:N0} price changes over {scale.HistoryDays} days…");
        Console.WriteLine($"Load started at {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0:F2} (Unix time).");
        var clock = Stopwatch.StartNew();
        var report = await BulkLoader.LoadAsync(owner, DemoDataDefaults.Generator(DateTimeOffset.UtcNow, scale), ct);
        clock.Stop();
        await using var connection = new NpgsqlConnection(owner);
        await connection.OpenAsync(ct);
        var span = await connection.QuerySingleAsync<(DateTime First, DateTime Last)>(new CommandDefinition(
            "SELECT min(enrolled_at), max(enrolled_at) FROM enrollments", cancellationToken: ct));
        // Autovacuum would otherwise visit the freshly loaded tables (5 million enrollments) while the queries are
        // measured, on one of the two cores, and index-only scans would visit the heap until it had: every entry is
        // measured on a settled database instead, the way it runs once the load is a few minutes old.
        var vacuum = Stopwatch.StartNew();
        await connection.ExecuteAsync(new CommandDefinition("VACUUM", commandTimeout: 0, cancellationToken: ct));
        vacuum.Stop();
        var figures = new LoadFigures(report.Users, report.Courses, report.Enrollments, report.PriceChanges, new DateTimeOffset(span.First, TimeSpan.Zero), new DateTimeOffset(span.Last, TimeSpan.Zero), report.Copy, report.Indexes, clock.Elapsed, report.Steps, vacuum.Elapsed);
        Console.WriteLine($"Loaded {figures.Users:N0} users, {figures.Courses:N0} courses, {figures.Enrollments:N0} enrollments ({figures.FirstEnrollment:yyyy-MM-dd} to {figures.LastEnrollment:yyyy-MM-dd}), " +
                          $"{figures.PriceChanges:N0} price changes in {figures.Total.TotalSeconds:F1} s (copy {figures.Copy.TotalSeconds:F1} s, indexes {figures.Indexes.TotalSeconds:F1} s).");
        Console.WriteLine($"Post-load VACUUM in {figures.Vacuum.TotalSeconds:F1} s (not part of the load).");
        foreach (var step in figures.Steps)
            Console.WriteLine($"  {step.Time.TotalSeconds,6:F1} s, ended at {step.EndedAt.TotalSeconds,5:F1} s: {step.Name}");
        return figures;
    }

    /// Pages and app queries connect the way production does: as a login in the techcourse_app group, never as the owner.
    /// One login per database: logins are cluster-wide, and each run sets a new password, which would lock out a run
    /// still going on another database of the same server.
    private static async Task<string> EnsureRuntimeLoginAsync(string owner, CancellationToken ct)
    {
        var password = Convert.ToHexString(Guid.NewGuid().ToByteArray()).ToLowerInvariant();
        await using var connection = new NpgsqlConnection(owner);
        await connection.OpenAsync(ct);
        var database = connection.Database;
        var login = $"{RuntimeLoginPrefix}_{System.Text.RegularExpressions.Regex.Replace(database.ToLowerInvariant(), "[^a-z0-9_]", "_")}";
        login = login[..Math.Min(63, login.Length)];
        await connection.ExecuteAsync(new CommandDefinition($"""
            DO $$ BEGIN
                IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{login}') THEN CREATE ROLE {login} LOGIN; END IF;
            END $$;
            ALTER ROLE {login} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD '{password}';
            GRANT techcourse_app TO {login};
            GRANT CONNECT ON DATABASE "{database}" TO {login};
            """, cancellationToken: ct));
        return new NpgsqlConnectionStringBuilder(owner) { Username = login, Password = password }.ConnectionString;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (cluster is not null) await cluster.DisposeAsync();
    }
}
