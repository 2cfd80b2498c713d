using System.Net;
using System.Threading.Channels;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using TechCourse.Admin.Features.Audit;
using TechCourse.Admin.Features.Courses;
using TechCourse.Admin.Features.Enrollments;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Infrastructure.Reliability;
using TechCourse.Admin.Tests.Support;
using Xunit.Abstractions;

namespace TechCourse.Admin.Tests.Topology;

// The app's runtime connection through a real PgBouncer 1.18 in transaction pooling with stock settings (the owner
// connection and, as docs/operations.md says, the LISTEN connection stay direct).
[Trait("Category", "Topology")]
public sealed class PgBouncerTransactionPoolingTests(PgBouncerTransactionPoolingTests.Setup setup, ITestOutputHelper output)
    : IClassFixture<PgBouncerTransactionPoolingTests.Setup>
{
    [Fact]
    public async Task Sign_in_price_changes_an_enrollment_an_export_and_live_notifications_all_work_through_it()
    {
        var app = setup.App;
        using var client = await ExternalApp.SignedInClientAsync(app);
        var admin = await setup.AdminAsync();
        var (course, student) = await setup.CourseAndStudentAsync(50m);
        var feed = app.Services.GetRequiredService<AuditLiveFeed>();
        await Eventually.WaitForAsync(() => feed.IsLive, TimeSpan.FromSeconds(30), "the audit feed to be live");
        var notices = Channel.CreateUnbounded<AuditNotice>();
        using var subscription = feed.Subscribe(notice => notices.Writer.WriteAsync(notice).AsTask());
        var store = app.Services.GetRequiredService<CoursesStore>();

        var saved = new List<SaveOutcome>();
        for (var (price, next) = (50m, 51m); next <= 58m; (price, next) = (next, next + 1))
            saved.Add((await store.UpdatePriceAsync(admin, course, price, next, $"pgbouncer {next}", CancellationToken.None)).Outcome);
        var enrolled = await app.Services.GetRequiredService<EnrollmentsQueries>().EnrollAsync(admin,
            new EnrollRequest(Guid.NewGuid(), student, course, 58m, null, null), CancellationToken.None);
        var export = await client.GetAsync(new Uri($"{EnrollmentsExport.Path}?courseId={course}", UriKind.Relative));
        var csv = await export.Content.ReadAsStringAsync();
        var lastSeal = await setup.SealOfLastChangeAsync(course);
        await Eventually.WaitForAsync(async () =>
        {
            while (notices.Reader.TryRead(out var notice))
                if (notice.Kind == AuditNoticeKind.Sealed && notice.ToSeq >= (lastSeal ??= await setup.SealOfLastChangeAsync(course))) return true;
            lastSeal ??= await setup.SealOfLastChangeAsync(course);
            return false;
        }, TimeSpan.FromSeconds(30), "the seal of the last change to be announced");

        Assert.All(saved, outcome => Assert.Equal(SaveOutcome.Saved, outcome));
        Assert.Equal(8, saved.Count);
        Assert.Equal(EnrollOutcomeKind.Created, enrolled.Kind);
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal(2, csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.DoesNotContain("26000", app.Output, StringComparison.Ordinal);
        await using var connection = await app.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        Assert.Equal(setup.Bouncer.Port, connection.Port);
        Assert.Equal("30s", await connection.ExecuteScalarAsync<string>("SHOW statement_timeout"));
    }

    [Fact]
    public async Task A_listen_connection_through_transaction_pooling_is_never_shown_as_live_and_says_why()
    {
        // A PgBouncer of its own: the class's app keeps the shared one's server sessions busy with its own writes.
        await using var bouncer = await PgBouncer.StartAsync(setup.Owner, [setup.Runtime, setup.Owner]);
        await using var app = await ExternalApp.StartAsync(bouncer.Through(setup.Runtime), setup.Owner, new Dictionary<string, string>
        {
            ["Database:ListenHeartbeatSeconds"] = "0.5",
        });
        var feed = app.Services.GetRequiredService<AuditLiveFeed>();
        var everLive = false;
        using var watch = new Timer(_ => everLive |= feed.IsLive, null, 0, 20);

        try
        {
            await Eventually.WaitForAsync(() => app.Output.Contains("No heartbeat came back", StringComparison.Ordinal), TimeSpan.FromSeconds(60), "the listener to give up");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}{Environment.NewLine}{app.Output}", e);
        }

        Assert.False(everLive || feed.IsLive);
        Assert.Contains("ConnectionStrings:TechCourseListen", app.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_writers_through_it_keep_every_invariant_with_no_unexpected_failure()
    {
        var report = await LoadTest.RunAsync(setup.Bouncer.Through(setup.Runtime), setup.Owner,
            new LoadTestOptions(Writers: 8, Duration: TimeSpan.FromSeconds(4), Courses: 5, Students: 200));
        output.WriteLine(report.ToString());

        Assert.True(report.Passed, report.ToString());
        Assert.True(report.PriceChanges > 10 && report.Enrollments > 10, report.ToString());
        Assert.DoesNotContain("26000", report.FailuresBySqlState.Keys);
    }

    public sealed class Setup : IAsyncLifetime
    {
        private TestDatabase? database;
        private PgBouncer? bouncer;
        private TestApp? app;

        public PgBouncer Bouncer => bouncer!;
        public TestApp App => app!;
        public string Owner => database!.ConnectionString;
        public string Runtime { get; private set; } = "";

        public async Task InitializeAsync()
        {
            database = await TestDatabase.CreateAsync();
            await ExternalApp.CreateAdminAsync(Owner);
            Runtime = await ExternalApp.CreateRuntimeLoginAsync(Owner);
            // Set ahead, as docs/operations.md advises for a pooler: the app sets it on its first probe, but a server
            // session PgBouncer opened before that (a sign-in racing the probe) keeps the old value for its lifetime.
            await using (var owner = new NpgsqlConnection(Owner))
            {
                await owner.OpenAsync();
                await owner.ExecuteAsync($"ALTER ROLE {new NpgsqlConnectionStringBuilder(Runtime).Username} IN DATABASE {owner.Database} SET statement_timeout = '30s'");
            }
            bouncer = await PgBouncer.StartAsync(Owner, [Runtime, Owner]);
            app = await ExternalApp.StartAsync(bouncer.Through(Runtime), Owner, new Dictionary<string, string>
            {
                ["ConnectionStrings:TechCourseListen"] = Runtime,
                ["Database:ListenHeartbeatSeconds"] = "0.5",
            });
        }

        public async Task<Actor> AdminAsync()
        {
            Guid id;
            await using (var connection = await database!.DataSource.OpenConnectionAsync())
                id = await connection.ExecuteScalarAsync<Guid>("SELECT user_id FROM users WHERE email = @email", new { email = ExternalApp.AdminEmail });
            return await TestSessions.ActorAsync(database.DataSource, id, ExternalApp.AdminEmail, StaffRoles.Admin);
        }

        public async Task<(int Course, Guid Student)> CourseAndStudentAsync(decimal price)
        {
            await using var connection = await database!.DataSource.OpenConnectionAsync();
            var instructor = await connection.ExecuteScalarAsync<Guid>("INSERT INTO users (email, role) VALUES (@email, 'Instructor') RETURNING user_id",
                new { email = $"pgb-{Guid.NewGuid():N}@techcourse.com" });
            var student = await connection.ExecuteScalarAsync<Guid>("INSERT INTO users (email, role) VALUES (@email, 'Student') RETURNING user_id",
                new { email = $"pgb-student-{Guid.NewGuid():N}@techcourse.com" });
            var course = await connection.ExecuteScalarAsync<int>(
                "INSERT INTO courses (instructor_id, title, price, is_published) VALUES (@instructor, @title, @price, true) RETURNING course_id",
                new { instructor, title = $"PgBouncer {Guid.NewGuid():N}"[..20], price });
            return (course, student);
        }

        public async Task<long?> SealOfLastChangeAsync(int course)
        {
            await using var connection = await database!.DataSource.OpenConnectionAsync();
            return await connection.ExecuteScalarAsync<long?>("SELECT seal_seq FROM price_changes WHERE course_id = @course ORDER BY log_id DESC LIMIT 1", new { course });
        }

        public async Task DisposeAsync()
        {
            if (app is not null) await app.DisposeAsync();
            if (bouncer is not null) await bouncer.DisposeAsync();
            if (database is not null) await database.DisposeAsync();
        }
    }
}
