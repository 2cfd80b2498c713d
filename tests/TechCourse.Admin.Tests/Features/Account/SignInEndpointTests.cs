using System.Net;
using Dapper;
using Npgsql;
using TechCourse.Admin.Features.Users;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Features.Account;

public sealed class SignInEndpointTests(RunningAppFixture app) : IClassFixture<RunningAppFixture>
{
    [Fact]
    public async Task Signing_in_returns_to_the_page_that_was_asked_for()
    {
        using var client = app.NewClient();
        var redirect = await client.GetAsync(new Uri("/sales", UriKind.Relative));
        var returnUrl = System.Web.HttpUtility.ParseQueryString(new Uri(client.BaseAddress!, redirect.Headers.Location!).Query)["ReturnUrl"];

        var response = await app.PostSignInAsync(client, "accounting@techcourse.com", "accounting-demo-password", returnUrl!);

        Assert.Equal(("/sales", HttpStatusCode.Redirect), (response.Headers.Location!.OriginalString, response.StatusCode));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/sales", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task A_return_address_on_another_site_is_ignored()
    {
        using var client = app.NewClient();

        var response = await app.PostSignInAsync(client, "admin@techcourse.com", "admin-demo-password", "https://evil.example.com/");

        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task A_wrong_password_shows_the_message_on_the_sign_in_page_and_sets_no_cookie()
    {
        using var client = app.NewClient();

        var response = await app.PostSignInAsync(client, "admin@techcourse.com", "not the password");
        var page = await client.GetStringAsync(response.Headers.Location);

        Assert.Contains("The email or password is incorrect.", page, StringComparison.Ordinal);
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("TechCourse.Auth", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_auth_cookie_is_http_only_and_same_site()
    {
        using var client = app.NewClient();

        var response = await app.PostSignInAsync(client, "admin@techcourse.com", "admin-demo-password");

        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("TechCourse.Auth", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_sign_in_post_without_the_anti_forgery_token_is_rejected()
    {
        using var client = app.NewClient();

        var response = await client.PostAsync(new Uri("/account/sign-in", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = "admin@techcourse.com",
            ["Password"] = "admin-demo-password",
        }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Signing_out_ends_the_session_and_needs_the_anti_forgery_token()
    {
        using var client = await app.SignedInClientAsync("instructor@techcourse.com", "instructor-demo-password");
        var forged = await client.PostAsync(new Uri("/account/sign-out", UriKind.Relative), new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/", UriKind.Relative))).StatusCode);

        var token = RunningAppFixture.AntiforgeryToken(await client.GetStringAsync(new Uri("/account/sign-in", UriKind.Relative)));
        var signedOut = await client.PostAsync(new Uri("/account/sign-out", UriKind.Relative),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));

        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        var after = await client.GetAsync(new Uri("/", UriKind.Relative));
        Assert.StartsWith("/account/sign-in", after.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_demo_accounts_are_listed_on_the_sign_in_page_in_development()
    {
        using var client = app.NewClient();

        var page = await client.GetStringAsync(new Uri("/account/sign-in", UriKind.Relative));

        Assert.Contains("admin-demo-password", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_accounting_account_an_admin_created_in_users_signs_in_with_its_one_time_password()
    {
        await using var runtime = NpgsqlDataSource.Create(app.OwnerConnectionString + ";Options=-c role=techcourse_app");
        Guid adminId;
        await using (var connection = await runtime.OpenConnectionAsync())
            adminId = await connection.ExecuteScalarAsync<Guid>("SELECT user_id FROM users WHERE email = 'admin@techcourse.com'");
        var email = $"accounting-{Guid.NewGuid():N}@techcourse.com";
        await using var owner = NpgsqlDataSource.Create(app.OwnerConnectionString);
        var admin = await TestSessions.ActorAsync(owner, adminId, "admin@techcourse.com", StaffRoles.Admin);
        var created = await new UsersQueries(runtime).CreateAsync(admin, email, StaffRoles.Accounting, default);
        using var client = app.NewClient();

        var response = await app.PostSignInAsync(client, email, created.Value!.Password!, "/sales");

        Assert.Equal(("/sales", HttpStatusCode.Redirect), (response.Headers.Location!.OriginalString, response.StatusCode));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/sales", UriKind.Relative))).StatusCode);
    }
}
