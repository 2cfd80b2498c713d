using System.Net;
using Dapper;
using Microsoft.Playwright;
using Npgsql;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Reliability;

[Trait("Category", "Reliability")]
[Collection(BrowserCollection.Name)]
public sealed class SecurityTests(BrowserFixture browser)
{
    [Fact]
    public async Task Sign_in_attempts_are_limited_per_account_and_per_ip_with_a_clear_429_page()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var app = await ExternalApp.StartAsync(database, new Dictionary<string, string>
        {
            ["RateLimiting__SignInPerAccountPerMinute"] = "3",
            ["RateLimiting__SignInPerIpPerMinute"] = "8",
        });
        using var client = ExternalApp.NewClient(app);
        async Task<HttpResponseMessage> Attempt(string email) => await ExternalApp.PostSignInAsync(client, email, "wrong-password-123");

        var firstThree = new[] { await Attempt("a@example.com"), await Attempt("A@example.com "), await Attempt("a@example.com") };
        var fourthForTheAccount = await Attempt("a@example.com");
        var otherAccounts = new[] { await Attempt("b@example.com"), await Attempt("b@example.com"), await Attempt("b@example.com"), await Attempt("c@example.com") };
        var ninthFromTheIp = await Attempt("d@example.com");

        Assert.All(firstThree.Concat(otherAccounts), r => Assert.Equal(HttpStatusCode.Redirect, r.StatusCode));
        Assert.Equal(HttpStatusCode.TooManyRequests, fourthForTheAccount.StatusCode);
        Assert.Contains("Too many sign-in attempts for this account", await fourthForTheAccount.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(fourthForTheAccount.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Equal(HttpStatusCode.TooManyRequests, ninthFromTheIp.StatusCode);
        Assert.Contains("Too many sign-in attempts from your network", await ninthFromTheIp.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("nosniff", ninthFromTheIp.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Theory]
    [InlineData("/account/sign-in")]
    [InlineData("/")]
    [InlineData("/health")]
    [InlineData("/app.css")]
    [InlineData("/no-such-page")]
    public async Task Every_response_carries_the_security_headers(string path)
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var app = await ExternalApp.StartAsync(database);
        using var client = ExternalApp.NewClient(app);

        var response = await client.GetAsync(new Uri(path, UriKind.Relative));

        var csp = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self' 'nonce-", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("same-origin", response.Headers.GetValues("Referrer-Policy").Single());
    }

    [Fact]
    public async Task Under_the_content_security_policy_the_app_becomes_interactive_without_violations()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var app = await ExternalApp.StartAsync(database);
        var page = await browser.NewPageAsync(app.BaseAddress);
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase) || message.Text.Contains("Refused to", StringComparison.Ordinal))
                lock (violations) violations.Add(message.Text);
        };
        await page.AddInitScriptAsync("document.addEventListener('securitypolicyviolation', e => console.error('Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI));");

        await BrowserFixture.SignInAsync(page, ExternalApp.AdminEmail, ExternalApp.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Toggle navigation" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Switch to dark mode" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Switch to light mode" }).WaitForAsync();
        await BrowserFixture.ScreenshotAsync(page, "reliability-csp-dashboard");

        Assert.Empty(violations);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_signed_in_user_stays_signed_in_across_an_app_restart()
    {
        await using var database = await TestDatabase.CreateAsync();
        await ExternalApp.CreateAdminAsync(database.ConnectionString);
        var runtime = await ExternalApp.CreateRuntimeLoginAsync(database.ConnectionString);
        var cookies = new CookieContainer();
        var first = await ExternalApp.StartAsync(runtime, database.ConnectionString);
        using (var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies }) { BaseAddress = first.BaseAddress })
            Assert.Equal(HttpStatusCode.Redirect, (await ExternalApp.PostSignInAsync(client, ExternalApp.AdminEmail, ExternalApp.AdminPassword)).StatusCode);
        var cookie = cookies.GetCookies(first.BaseAddress)["TechCourse.Auth"]!.Value;
        await first.DisposeAsync();

        await using var second = await ExternalApp.StartAsync(runtime, database.ConnectionString);
        using var afterRestart = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = second.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("Cookie", $"TechCourse.Auth={cookie}");
        var response = await afterRestart.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("data-testid=\"students-value\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await using var owner = new NpgsqlConnection(database.ConnectionString);
        Assert.True(await owner.ExecuteScalarAsync<long>("SELECT count(*) FROM data_protection_keys") >= 1);
    }

    [Fact]
    public async Task The_runtime_role_may_read_data_protection_keys_but_not_add_change_or_delete_them()
    {
        await using var database = await TestDatabase.CreateAsync();
        var runtime = await ExternalApp.CreateRuntimeLoginAsync(database.ConnectionString);
        await using var connection = new NpgsqlConnection(runtime);
        await connection.OpenAsync();

        var insert = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync("INSERT INTO data_protection_keys (friendly_name, xml) VALUES ('key-1', '<key/>')"));
        Assert.Equal(0L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM data_protection_keys"));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, insert.SqlState);
        var update = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync("UPDATE data_protection_keys SET xml = '<forged/>'"));
        var delete = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync("DELETE FROM data_protection_keys"));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, update.SqlState);
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, delete.SqlState);
    }
}
