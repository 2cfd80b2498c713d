using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using TechCourse.Admin.Features.Users;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Infrastructure.Observability;
using TechCourse.Admin.Infrastructure.Postgres;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Infrastructure;

// The app with its Prometheus scrape endpoint on a port of its own (Observability:PrometheusPort), loopback only.
public sealed class ObservabilityTests(ObservabilityTests.MetricsApp fixture) : IClassFixture<ObservabilityTests.MetricsApp>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public sealed class MetricsApp() : SessionApp(new Dictionary<string, string> { ["Observability__PrometheusPort"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
    {
        public static readonly int Port = LocalPostgresCluster.FreeTcpPort();

        public Uri Metrics => new($"http://127.0.0.1:{Port}{PrometheusScrapeServer.Path}");
    }

    [Fact]
    public async Task The_scrape_endpoint_serves_request_durations_by_page_route_open_circuits_pool_use_and_the_background_lags()
    {
        using var client = fixture.App.NewClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/account/sign-in", UriKind.Relative))).StatusCode);

        var text = await ScrapeUntilAsync(text =>
            Lines(text, "http_server_request_duration_seconds_count{").Any(line => line.Contains("http_route=\"/account/sign-in\"", StringComparison.Ordinal))
            && text.Contains("\ntechcourse_audit_seal_lag_seconds", StringComparison.Ordinal)
            && text.Contains("\ntechcourse_rollups_fold_lag_seconds", StringComparison.Ordinal), "a request duration for /account/sign-in and both lags");

        Assert.Contains("# TYPE http_server_request_duration_seconds histogram", text, StringComparison.Ordinal);
        Assert.Contains(Lines(text, "techcourse_circuits_open"), line => !line.StartsWith('#'));
        Assert.Contains(Lines(text, "techcourse_audit_unsealed"), line => !line.StartsWith('#'));
        Assert.Contains(Lines(text, "db_client_connection_count"), line => line.Contains("db_client_connection_state=\"idle\"", StringComparison.Ordinal));
        Assert.Contains(Lines(text, "db_client_connection_max"), line => !line.StartsWith('#'));
        Assert.All(new[] { "techcourse_audit_seal_lag_seconds", "techcourse_rollups_fold_lag_seconds" }, name =>
            Assert.InRange(Value(Lines(text, name).First(line => !line.StartsWith('#'))), 0, 30));
    }

    [Fact]
    public async Task A_write_the_database_refuses_is_counted_by_sqlstate_and_constraint()
    {
        var (id, email, _) = await fixture.StaffAsync(StaffRoles.Admin);
        var admin = await TestSessions.ActorAsync(fixture.Database.DataSource, id, email, StaffRoles.Admin);
        var users = fixture.App.Services.GetRequiredService<UsersQueries>();

        var refused = await users.CreateAsync(admin, email, StaffRoles.Student, CancellationToken.None);

        Assert.False(refused.Succeeded);
        await ScrapeUntilAsync(text => Lines(text, "techcourse_db_failed_writes_total{").Any(line =>
            line.Contains("sqlstate=\"23505\"", StringComparison.Ordinal) && line.Contains("constraint=\"users_email_", StringComparison.Ordinal) && Value(line) >= 1),
            "the refused write in techcourse_db_failed_writes_total");
    }

    [Fact]
    public async Task The_apps_own_port_does_not_serve_metrics()
    {
        using var client = fixture.App.NewClient();

        var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain("# TYPE", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_scrape_from_an_address_not_allowed_or_of_another_path_gets_404()
    {
        // 127.0.0.2 is this machine too, but not in the default allowed list (127.0.0.1, ::1).
        using var elsewhere = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            },
        });
        using var allowed = new HttpClient();

        var refused = await elsewhere.GetAsync(fixture.Metrics);
        var otherPath = await allowed.GetAsync(new Uri(fixture.Metrics, "/"));
        var served = await allowed.GetAsync(fixture.Metrics);

        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Equal("", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, otherPath.StatusCode);
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }

    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1,::1", true)]
    [InlineData("::ffff:127.0.0.1", "127.0.0.1,::1", true)]
    [InlineData("::1", "127.0.0.1,::1", true)]
    [InlineData("127.0.0.2", "127.0.0.1,::1", false)]
    [InlineData("127.0.0.2", "127.0.0.0/8", true)]
    [InlineData("::1", "127.0.0.0/8", false)]
    public void The_allowed_addresses_are_addresses_or_networks(string remote, string allowed, bool expected) =>
        Assert.Equal(expected, PrometheusScrapeServer.IsAllowed(IPAddress.Parse(remote), new ObservabilityOptions { PrometheusAllowedAddresses = allowed }.AllowedNetworks));

    [Fact]
    public async Task Json_logs_write_one_json_object_per_line()
    {
        await using var database = await TestDatabase.CreateAsync();
        await ExternalApp.CreateAdminAsync(database.ConnectionString);
        var runtime = await ExternalApp.CreateRuntimeLoginAsync(database.ConnectionString);

        await using var app = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings__TechCourse"] = runtime,
            ["ConnectionStrings__TechCourseMigrations"] = database.ConnectionString,
            ["Observability__JsonLogs"] = "true",
        });

        var lines = app.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.NotEmpty(lines);
        var entries = lines.Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.All(entries, entry => Assert.True(entry.TryGetProperty("Timestamp", out _) && entry.TryGetProperty("LogLevel", out _) && entry.TryGetProperty("Category", out _), entry.ToString()));
        Assert.Contains(entries, entry => entry.GetProperty("Message").GetString()!.StartsWith("TechCourse Admin is ready at", StringComparison.Ordinal));
    }

    private async Task<string> ScrapeUntilAsync(Func<string, bool> condition, string what)
    {
        using var client = new HttpClient();
        var text = "";
        await Eventually.WaitForAsync(async () =>
        {
            text = await client.GetStringAsync(fixture.Metrics);
            return condition(text);
        }, Patience, what);
        return text;
    }

    private static List<string> Lines(string text, string prefix) =>
        text.Split('\n').Where(line => line.StartsWith(prefix, StringComparison.Ordinal) || line.StartsWith("# TYPE " + prefix, StringComparison.Ordinal)).ToList();

    // A sample line is name{labels} value [timestamp].
    private static double Value(string line)
    {
        var afterName = line.Contains('}', StringComparison.Ordinal) ? line[(line.LastIndexOf('}') + 1)..] : line[line.IndexOf(' ', StringComparison.Ordinal)..];
        return double.Parse(afterName.Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
    }
}
