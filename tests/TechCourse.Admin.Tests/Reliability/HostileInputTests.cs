using System.Net;
using System.Reflection;
using System.Text;
using Dapper;
using Microsoft.AspNetCore.Components;
using Npgsql;
using TechCourse.Admin.Tests.Features.Account;
using TechCourse.Admin.Tests.Support;
using Xunit.Abstractions;

namespace TechCourse.Admin.Tests.Reliability;

// Every page route with each of its query parameters (and a few every page could be sent), every route parameter,
// the CSV exports' parameters and the sign-in form's fields, each fed the whole hostile corpus as an admin:
// no 500, no stack trace, no row written anywhere.
[Trait("Category", "Reliability")]
public sealed class HostileInputTests(HostileInputTests.App app, ITestOutputHelper output) : IClassFixture<HostileInputTests.App>
{
    private static readonly string[] CommonParameters = ["q", "page", "sort", "id"];

    public static TheoryData<string, string> QueryParameters()
    {
        var data = new TheoryData<string, string>();
        foreach (var (route, page) in RouteAuthorizationMatrixTests.DiscoveredRoutes.Where(r => !r.Route.Contains('{', StringComparison.Ordinal)))
        {
            var declared = page.GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
                .Select(p => p.GetCustomAttribute<SupplyParameterFromQueryAttribute>() is { } q ? q.Name ?? p.Name : null)
                .OfType<string>();
            foreach (var parameter in declared.Concat(CommonParameters).Distinct(StringComparer.OrdinalIgnoreCase)) data.Add(route, parameter);
        }
        foreach (var parameter in new[] { "courseId", "studentId", "from", "to" }) data.Add("/exports/enrollments.csv", parameter);
        foreach (var parameter in new[] { "from", "to", "zone", "search", "sort", "desc" }) data.Add("/exports/sales/courses", parameter);
        return data;
    }

    [Theory]
    [MemberData(nameof(QueryParameters))]
    public async Task A_hostile_query_parameter_gets_a_page_or_a_4xx_never_a_500_or_a_write(string route, string parameter)
    {
        var baseline = route.StartsWith("/exports/sales", StringComparison.Ordinal) ? "from=2026-01-01&to=2026-01-31&zone=UTC&" : "";
        await app.CheckAllAsync(value => Get($"{route}?{baseline}{parameter}={value}"), output, $"{route}?{parameter}=");
    }

    [Theory]
    [InlineData("/users/{0}")]
    [InlineData("/exports/sales/{0}")]
    public async Task A_hostile_route_parameter_gets_a_404_or_a_message_never_a_500_or_a_write(string template)
    {
        await app.CheckAllAsync(value => Get(string.Format(System.Globalization.CultureInfo.InvariantCulture, template, value) + "?from=2026-01-01&to=2026-01-31"), output, template);
    }

    [Theory]
    [InlineData("Email")]
    [InlineData("Password")]
    [InlineData("ReturnUrl")]
    public async Task A_hostile_sign_in_field_gets_a_message_never_a_500_or_a_write(string field)
    {
        var page = await app.Anonymous.GetStringAsync(new Uri("/account/sign-in", UriKind.Relative));
        var token = Uri.EscapeDataString(RunningAppFixture.AntiforgeryToken(page));
        await app.CheckAllAsync(value =>
        {
            var fields = new Dictionary<string, string> { ["Email"] = "nobody%40example.com", ["Password"] = "wrong-password", ["ReturnUrl"] = "%2F", [field] = value };
            var body = $"__RequestVerificationToken={token}&" + string.Join('&', fields.Select(f => $"{f.Key}={f.Value}"));
            return new HttpRequestMessage(HttpMethod.Post, "/account/sign-in") { Content = new StringContent(body, Encoding.ASCII, "application/x-www-form-urlencoded") };
        }, output, $"POST sign-in {field}=", anonymous: true);
    }

    private static HttpRequestMessage Get(string url) => new(HttpMethod.Get, url);

    public sealed class App : IAsyncLifetime
    {
        private TestDatabase? database;
        private TestApp? process;
        private static int casesTried;

        public HttpClient Client { get; private set; } = null!;
        public HttpClient Anonymous { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            database = await TestDatabase.CreateAsync();
            await using (var owner = await database.DataSource.OpenConnectionAsync())
                await owner.ExecuteAsync("""
                    INSERT INTO users (email, role) VALUES ('hostile-instructor@techcourse.com', 'Instructor'), ('hostile-student@example.com', 'Student');
                    INSERT INTO courses (instructor_id, title, price, is_published, quiz_metadata)
                    SELECT user_id, 'Hostile course', 10, true, '{"difficulty": "Beginner"}' FROM users WHERE email = 'hostile-instructor@techcourse.com';
                    INSERT INTO enrollments (student_id, course_id, amount_paid)
                    SELECT u.user_id, c.course_id, 10 FROM users u, courses c WHERE u.email = 'hostile-student@example.com';
                    """);
            process = await ExternalApp.StartAsync(database, new Dictionary<string, string>
            {
                ["RateLimiting__SignInPerAccountPerMinute"] = "100000",
                ["RateLimiting__SignInPerIpPerMinute"] = "100000",
            });
            Client = await ExternalApp.SignedInClientAsync(process);
            Anonymous = ExternalApp.NewClient(process);
        }

        // Sends every corpus value (four at a time) and checks each answer, then that no table gained or lost a row.
        public async Task CheckAllAsync(Func<string, HttpRequestMessage> request, ITestOutputHelper output, string surface, bool anonymous = false)
        {
            var before = await RowCountsAsync();
            var failures = new List<string>();
            using var gate = new SemaphoreSlim(4);
            await Task.WhenAll(HostileInputCorpus.Encoded.Select(async value =>
            {
                await gate.WaitAsync();
                try
                {
                    using var message = request(value);
                    using var response = await (anonymous ? Anonymous : Client).SendAsync(message);
                    var body = await response.Content.ReadAsStringAsync();
                    var problem = (int)response.StatusCode >= 500 ? $"status {(int)response.StatusCode}"
                        : body.Contains("   at ", StringComparison.Ordinal) || body.Contains("Exception:", StringComparison.Ordinal) ? "stack trace in the page"
                        : response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.BadRequest or HttpStatusCode.NotFound
                            or HttpStatusCode.RequestUriTooLong or HttpStatusCode.RequestHeaderFieldsTooLarge or HttpStatusCode.Forbidden) ? $"unexpected status {(int)response.StatusCode}"
                        : null;
                    if (problem is not null) lock (failures) failures.Add($"{surface}{(value.Length > 60 ? value[..60] + "…" : value)}: {problem}");
                }
                finally
                {
                    gate.Release();
                }
            }));
            var after = await RowCountsAsync();
            Interlocked.Add(ref casesTried, HostileInputCorpus.Count);
            output.WriteLine($"{surface}: {HostileInputCorpus.Count} hostile values, {failures.Count} failures; {casesTried} cases so far in this run");
            Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures) + Environment.NewLine + Tail(process!.Output));
            Assert.Equal(before, after);
        }

        private static string Tail(string log) => log.Length > 4000 ? log[^4000..] : log;

        // Every sign-in attempt is logged, for an email with an account or not (sql/0019): that table grows by design.
        private async Task<string> RowCountsAsync()
        {
            await using var connection = new NpgsqlConnection(database!.ConnectionString);
            var tables = await connection.QueryAsync<string>(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('data_protection_keys', 'sign_in_attempts') ORDER BY tablename");
            var counts = new List<string>();
            foreach (var table in tables)
                counts.Add($"{table}={await connection.ExecuteScalarAsync<long>($"SELECT count(*) FROM \"{table}\"")}");
            return string.Join(", ", counts);
        }

        public async Task DisposeAsync()
        {
            Client?.Dispose();
            Anonymous?.Dispose();
            if (process is not null) await process.DisposeAsync();
            if (database is not null) await database.DisposeAsync();
        }
    }
}
