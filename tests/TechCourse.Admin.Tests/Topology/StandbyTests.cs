using System.Net;
using Dapper;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using TechCourse.Admin.Features.Sales;
using TechCourse.Admin.Infrastructure.Cli;
using TechCourse.Admin.Infrastructure.Database;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Topology;

// A primary and a real streaming standby (pg_basebackup -R) on 127.0.0.1.
[Trait("Category", "Topology")]
[Collection("console output")]
public sealed class StandbyTests(StandbyTests.Setup setup) : IClassFixture<StandbyTests.Setup>
{
    [Fact]
    public async Task An_app_whose_runtime_connection_is_a_standby_says_so_and_its_background_writers_wait_quietly()
    {
        await using var app = await ExternalApp.StartAsync(setup.Standby.Of(setup.Runtime), setup.Standby.Of(setup.Owner));
        var status = app.Services.GetRequiredService<DatabaseStatus>();
        await Eventually.WaitForAsync(() => status.IsStandby, TimeSpan.FromSeconds(30), "the app to see the standby");
        using var client = app.NewClient();

        var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        var live = await client.GetAsync(new Uri("/health/live", UriKind.Relative));
        var page = await client.GetStringAsync(new Uri("/account/sign-in", UriKind.Relative));
        await Task.Delay(TimeSpan.FromSeconds(4));

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.StartsWith("Degraded: The database is a read-only standby", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("Healthy: The process runs.", await live.Content.ReadAsStringAsync());
        Assert.DoesNotContain("25006", app.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("read-only transaction", app.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("retrying", app.Output, StringComparison.Ordinal);
        Assert.NotNull(page);
    }

    [Fact]
    public async Task Reports_read_from_the_standby_and_say_how_far_behind_it_is_while_writes_stay_on_the_primary()
    {
        await using var app = await ExternalApp.StartAsync(setup.Runtime, setup.Owner, new Dictionary<string, string>
        {
            ["ConnectionStrings:TechCourseReports"] = setup.Standby.Of(setup.Runtime),
            ["Database:ReplicaLagNoticeSeconds"] = "1",
        });
        var reports = app.Services.GetRequiredService<ReportsDataSource>();
        await using (var connection = await reports.DataSource.OpenConnectionAsync())
            Assert.True(await connection.ExecuteScalarAsync<bool>("SELECT pg_is_in_recovery()"));
        // The app's own background writers keep the primary busy: the standby is a fraction of a second behind at times.
        await Eventually.WaitForAsync(async () => await reports.NoticeableLagAsync(CancellationToken.None) is null, TimeSpan.FromSeconds(30), "the standby to catch up");

        await setup.Standby.PauseReplayAsync(paused: true);
        try
        {
            await using (var owner = new NpgsqlConnection(setup.Owner))
            {
                await owner.OpenAsync();
                await owner.ExecuteAsync("INSERT INTO users (email, role) VALUES (@email, 'Student')", new { email = $"lag-{Guid.NewGuid():N}@example.com" });
            }
            await Eventually.WaitForAsync(async () => await reports.NoticeableLagAsync(CancellationToken.None) is not null, TimeSpan.FromSeconds(30), "the standby to be noticeably behind");
            using var client = await ExternalApp.SignedInClientAsync(app);
            var dashboard = await client.GetStringAsync(new Uri("/", UriKind.Relative));

            Assert.Contains("These figures come from a standby that is", dashboard, StringComparison.Ordinal);
        }
        finally
        {
            await setup.Standby.PauseReplayAsync(paused: false);
        }
    }

    [Fact]
    public async Task Audit_verify_without_sealing_runs_on_the_standby()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:TechCourse"] = setup.Standby.Of(setup.Owner),
        }).Build();

        var exitCode = await CommandLine.RunAsync(["audit", "verify", "--no-seal"], configuration, RepositoryPaths.Root, NullLoggerFactory.Instance, null, CancellationToken.None);

        Assert.Equal(0, exitCode);
    }

    public sealed class Setup : IAsyncLifetime
    {
        private StoppablePostgres? primary;
        private StreamingStandby? standby;

        public StreamingStandby Standby => standby!;
        public string Owner => primary!.ConnectionString();
        public string Runtime { get; private set; } = "";

        public async Task InitializeAsync()
        {
            primary = new StoppablePostgres();
            await primary.StartAsync();
            Migrator.Apply(primary.ConnectionString(pooling: false), NullLogger.Instance);
            await ExternalApp.CreateAdminAsync(Owner);
            Runtime = await ExternalApp.CreateRuntimeLoginAsync(Owner);
            standby = await StreamingStandby.StartAsync(primary);
        }

        public async Task DisposeAsync()
        {
            if (standby is not null) await standby.DisposeAsync();
            if (primary is not null) await primary.DisposeAsync();
        }
    }
}
