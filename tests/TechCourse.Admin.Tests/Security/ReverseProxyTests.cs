using System.Net;
using System.Text.RegularExpressions;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Infrastructure.Security;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Security;

// Issue 23, section 4: two instances on one database behind a TLS proxy. The test client connects from 127.0.0.1: the
// first two instances trust that address as their proxy (ReverseProxy:KnownProxies), the third trusts another one.
public sealed partial class ReverseProxyTests(ReverseProxyTests.Instances instances) : IClassFixture<ReverseProxyTests.Instances>
{
    private const string Attacker = "127.0.113.66";
    private const string Owner = "127.0.2.10";
    private const string ForeignHost = "attacker.invalid";

    [Fact]
    public async Task Through_a_known_proxy_an_https_request_gets_hsts_and_only_secure_cookies()
    {
        using var response = await SendAsync(instances.First, HttpMethod.Get, "/account/sign-in", Owner, "https");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.Contains("Strict-Transport-Security"), "no HSTS header");
        var cookies = response.Headers.GetValues("Set-Cookie").ToList();
        Assert.NotEmpty(cookies);
        Assert.All(cookies, cookie => Assert.Contains("; secure", cookie, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Forwarded_headers_from_an_address_that_is_not_a_known_proxy_are_ignored()
    {
        using var response = await SendAsync(instances.Untrusting, HttpMethod.Get, "/account/sign-in", Owner, "https");

        Assert.False(response.Headers.Contains("Strict-Transport-Security"), "HSTS on a plain http request");
        Assert.All(response.Headers.GetValues("Set-Cookie"), cookie => Assert.DoesNotContain("; secure", cookie, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Failures_through_both_instances_lock_the_attackers_address_out_of_the_account_but_not_the_owners()
    {
        var (_, email, password) = await instances.StaffAsync(StaffRoles.Admin);
        for (var i = 0; i < SignInService.MaxFailures; i++)
            Assert.Equal("Invalid", await SignInOutcomeAsync(i % 2 == 0 ? instances.First : instances.Second, email, "wrong password guess", Attacker));

        Assert.Equal("LockedOut", await SignInOutcomeAsync(instances.First, email, password, Attacker));
        Assert.Equal("LockedOut", await SignInOutcomeAsync(instances.Second, email, password, Attacker));
        Assert.Equal("/", await SignInOutcomeAsync(instances.Second, email, password, Owner));
    }

    [Fact]
    public async Task A_client_that_is_not_a_known_proxy_cannot_escape_its_lockout_by_naming_another_address()
    {
        var (_, email, password) = await instances.StaffAsync(StaffRoles.Admin);
        for (var i = 0; i < SignInService.MaxFailures; i++)
            Assert.Equal("Invalid", await SignInOutcomeAsync(instances.Untrusting, email, "wrong password guess", Attacker));

        Assert.Equal("LockedOut", await SignInOutcomeAsync(instances.Untrusting, email, password, Owner));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/courses?q=x")]
    [InlineData("/account/sign-in")]
    [InlineData("/no-such-page")]
    [InlineData("/exports/enrollments.csv")]
    public async Task A_foreign_host_header_is_never_written_back(string path)
    {
        foreach (var instance in new[] { instances.First, instances.Untrusting })
        {
            using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = instance.BaseAddress };
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
            request.Headers.Host = ForeignHost;
            request.Headers.Add("X-Forwarded-Host", ForeignHost);
            using var response = await client.SendAsync(request);

            var headers = string.Join("\n", response.Headers.Concat(response.Content.Headers).SelectMany(h => h.Value.Select(v => $"{h.Key}: {v}")));
            Assert.DoesNotContain(ForeignHost, headers, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(ForeignHost, await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        }
    }

    [Theory]
    [InlineData("127.0.0.1, ::1")]
    [InlineData("127.0.0.0/8")]
    [InlineData("")]
    public void Known_proxies_accept_addresses_and_networks(string value) =>
        Assert.True(new AddressListAttribute().IsValid(value));

    [Theory]
    [InlineData("nginx")]
    [InlineData("127.0.0.1;127.0.0.2")]
    [InlineData("127.0.0.0/99")]
    public void Known_proxies_refuse_anything_but_addresses_and_networks(string value) =>
        Assert.False(new AddressListAttribute().IsValid(value));

    // Signs in through the form as the proxy would forward it; answers the outcome named by the redirect ("Invalid",
    // "LockedOut") or the page it sends a signed-in user to.
    private static async Task<string> SignInOutcomeAsync(TestApp instance, string email, string password, string clientAddress)
    {
        using var page = await SendAsync(instance, HttpMethod.Get, "/account/sign-in", clientAddress, "https");
        var cookies = string.Join("; ", page.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = RunningAppFixture.AntiforgeryToken(await page.Content.ReadAsStringAsync()),
            ["Email"] = email,
            ["Password"] = password,
            ["ReturnUrl"] = "/",
        });
        using var response = await SendAsync(instance, HttpMethod.Post, "/account/sign-in", clientAddress, "https", form, cookies);
        var location = response.Headers.Location?.OriginalString ?? $"{(int)response.StatusCode}";
        return ErrorParameter().Match(location) is { Success: true } error ? error.Groups[1].Value : location;
    }

    private static async Task<HttpResponseMessage> SendAsync(TestApp instance, HttpMethod method, string path, string clientAddress, string scheme,
        HttpContent? content = null, string? cookies = null)
    {
        // Cookies by hand: secure cookies are not sent back over the test's plain http connection by a CookieContainer.
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = instance.BaseAddress };
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content };
        // The site's name, as the proxy passes it on (HSTS is never sent for localhost or a bare loopback address).
        request.Headers.Host = "admin.techcourse.test";
        request.Headers.Add("X-Forwarded-For", clientAddress);
        request.Headers.Add("X-Forwarded-Proto", scheme);
        if (cookies is not null) request.Headers.Add("Cookie", cookies);
        return await client.SendAsync(request);
    }

    [GeneratedRegex(@"[?&]error=(\w+)")]
    private static partial Regex ErrorParameter();

    // Two instances trusting the test client as their proxy and one trusting someone else, all in Production (HSTS),
    // on one database and one key ring.
    public sealed class Instances : IAsyncLifetime
    {
        private readonly string certificate = Path.Combine(Path.GetTempPath(), $"tc-keyring-{Guid.NewGuid():N}.pfx");
        private readonly List<TestApp> apps = [];
        private TestDatabase? database;
        private string runtime = "";

        public TestApp First => apps[0];
        public TestApp Second => apps[1];
        public TestApp Untrusting => apps[2];

        public async Task InitializeAsync()
        {
            database = await TestDatabase.CreateAsync();
            runtime = await ExternalApp.CreateRuntimeLoginAsync(database.ConnectionString);
            KeyRingCertificate.Create(certificate);
            foreach (var proxy in new[] { "127.0.0.1", "127.0.0.1", "127.0.0.9" }) apps.Add(await StartAsync(proxy));
        }

        public async Task<(Guid Id, string Email, string Password)> StaffAsync(string role)
        {
            var email = $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}@techcourse.com";
            const string password = "proxy-test-password-2026";
            await using var owner = await database!.DataSource.OpenConnectionAsync();
            return (await StaffAccounts.CreateOrResetAsync(owner, email, role, password, CancellationToken.None), email, password);
        }

        private Task<TestApp> StartAsync(string proxy) => TestApp.StartAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings:TechCourse"] = runtime,
            ["ConnectionStrings:TechCourseMigrations"] = database!.ConnectionString,
            ["DataProtection:CertificatePath"] = certificate,
            ["ReverseProxy:KnownProxies"] = proxy,
        }, environment: "Production");

        public async Task DisposeAsync()
        {
            foreach (var app in apps) await app.DisposeAsync();
            if (database is not null) await database.DisposeAsync();
            File.Delete(certificate);
        }
    }
}
