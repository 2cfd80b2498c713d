using System.Net;
using System.Security.Cryptography.X509Certificates;
using Dapper;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using TechCourse.Admin.Features.Users;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Infrastructure.Database;
using TechCourse.Admin.Infrastructure.Security;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Security;

// Issue 19, section 1: a cookie is only as good as the server-side session it names.
public sealed class SessionHttpTests(SessionApp app) : IClassFixture<SessionApp>
{
    [Fact]
    public async Task An_old_cookie_is_refused_for_pages_and_exports_after_signing_out()
    {
        var accounting = await app.StaffAsync(StaffRoles.Accounting);
        var (client, cookie) = await app.SignInAsync(accounting.Email, accounting.Password);
        Assert.Equal(HttpStatusCode.OK, (await app.GetWithCookieAsync(cookie, "/sales")).StatusCode);

        await SessionApp.PostAccountFormAsync(client, AccountEndpoints.SignOutPath);

        Assert.True(SessionApp.SentToSignIn(await app.GetWithCookieAsync(cookie, "/sales")));
        Assert.True(SessionApp.SentToSignIn(await app.GetWithCookieAsync(cookie, "/exports/sales/by-day?from=2026-01-01&to=2026-01-31&zone=UTC")));
        Assert.True(SessionApp.SentToSignIn(await app.GetWithCookieAsync(cookie, "/exports/enrollments.csv")));
    }

    [Fact]
    public async Task An_old_cookie_is_refused_once_an_admin_resets_the_password()
    {
        var accounting = await app.StaffAsync(StaffRoles.Accounting);
        var (_, cookie) = await app.SignInAsync(accounting.Email, accounting.Password);

        var reset = await new UsersQueries(app.RuntimeDataSource()).ResetPasswordAsync(await AdminAsync(), accounting.Id, default);

        Assert.True(reset.Succeeded);
        Assert.True(SessionApp.SentToSignIn(await app.GetWithCookieAsync(cookie, "/sales")));
    }

    [Fact]
    public async Task An_old_cookie_is_refused_once_the_role_changes_and_its_export_no_longer_downloads()
    {
        var accounting = await app.StaffAsync(StaffRoles.Accounting);
        var (_, cookie) = await app.SignInAsync(accounting.Email, accounting.Password);
        Assert.Equal(HttpStatusCode.OK, (await app.GetWithCookieAsync(cookie, "/exports/enrollments.csv")).StatusCode);

        var changed = await new UsersQueries(app.RuntimeDataSource()).ChangeRoleAsync(await AdminAsync(), accounting.Id, StaffRoles.Student, default);

        Assert.True(changed.Succeeded);
        Assert.True(SessionApp.SentToSignIn(await app.GetWithCookieAsync(cookie, "/sales")));
        Assert.True(SessionApp.SentToSignIn(await app.GetWithCookieAsync(cookie, "/exports/enrollments.csv")));
    }

    [Fact]
    public async Task An_old_cookie_is_refused_once_the_account_is_anonymised_or_deleted()
    {
        var anonymised = await app.StaffAsync(StaffRoles.Accounting);
        var deleted = await app.StaffAsync(StaffRoles.Accounting);
        var (_, anonymisedCookie) = await app.SignInAsync(anonymised.Email, anonymised.Password);
        var (_, deletedCookie) = await app.SignInAsync(deleted.Email, deleted.Password);
        var users = new UsersQueries(app.RuntimeDataSource());
        var admin = await AdminAsync();

        Assert.True((await users.AnonymiseAsync(admin, anonymised.Id, default)).Succeeded);
        Assert.True((await users.DeleteAsync(admin, deleted.Id, default)).Succeeded);

        Assert.True(SessionApp.SentToSignIn(await app.GetWithCookieAsync(anonymisedCookie, "/")));
        Assert.True(SessionApp.SentToSignIn(await app.GetWithCookieAsync(deletedCookie, "/")));
    }

    [Fact]
    public async Task Sign_out_everywhere_ends_the_session_of_every_browser_of_that_account_only()
    {
        var instructor = await app.StaffAsync(StaffRoles.Instructor);
        var other = await app.StaffAsync(StaffRoles.Instructor);
        var (laptop, _) = await app.SignInAsync(instructor.Email, instructor.Password);
        var (_, phoneCookie) = await app.SignInAsync(instructor.Email, instructor.Password);
        var (_, otherCookie) = await app.SignInAsync(other.Email, other.Password);

        var response = await SessionApp.PostAccountFormAsync(laptop, AccountEndpoints.SignOutEverywherePath);

        Assert.Contains("signedOut=everywhere", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.True(SessionApp.SentToSignIn(await laptop.GetAsync(new Uri("/courses", UriKind.Relative))));
        Assert.True(SessionApp.SentToSignIn(await app.GetWithCookieAsync(phoneCookie, "/courses")));
        Assert.Equal(HttpStatusCode.OK, (await app.GetWithCookieAsync(otherCookie, "/courses")).StatusCode);
        Assert.Contains("You are signed out everywhere", WebUtility.HtmlDecode(await laptop.GetStringAsync(response.Headers.Location)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_cookie_forged_with_the_key_ring_and_its_certificate_is_refused_unless_it_names_a_live_session()
    {
        var adminId = await app.OwnerScalarAsync<Guid>("SELECT user_id FROM users WHERE email = @email", new { email = ExternalApp.AdminEmail });
        await app.SignInAsync(ExternalApp.AdminEmail, ExternalApp.AdminPassword);
        var format = CookieFormat();
        string liveToken;
        await using (var owner = await app.Database.DataSource.OpenConnectionAsync())
            liveToken = await SessionStore.OpenAsOwnerAsync(owner, adminId, TimeSpan.FromHours(1), default);

        var madeUpSession = Forge(format, new Actor(adminId, ExternalApp.AdminEmail, StaffRoles.Admin, SessionStore.NewToken()));
        var noSession = Forge(format, new Actor(adminId, ExternalApp.AdminEmail, StaffRoles.Admin));
        var nobody = Forge(format, new Actor(Guid.NewGuid(), "ghost@techcourse.com", StaffRoles.Admin, liveToken));
        var live = Forge(format, new Actor(adminId, ExternalApp.AdminEmail, StaffRoles.Admin, liveToken));

        Assert.True(SessionApp.SentToSignIn(await app.GetWithCookieAsync(madeUpSession, "/users")));
        Assert.True(SessionApp.SentToSignIn(await app.GetWithCookieAsync(noSession, "/users")));
        Assert.True(SessionApp.SentToSignIn(await app.GetWithCookieAsync(nobody, "/users")));
        // The forging itself works: the same cookie naming a live session of that admin is accepted.
        Assert.Equal(HttpStatusCode.OK, (await app.GetWithCookieAsync(live, "/users")).StatusCode);
    }

    [Fact]
    public async Task The_key_ring_in_the_database_holds_only_encrypted_keys_and_the_runtime_login_cannot_add_one()
    {
        await app.SignInAsync(ExternalApp.AdminEmail, ExternalApp.AdminPassword);
        await using var runtime = new NpgsqlConnection(app.Runtime);
        await runtime.OpenAsync();

        var keys = (await runtime.QueryAsync<string>("SELECT xml FROM data_protection_keys")).ToList();
        var insert = await Assert.ThrowsAsync<PostgresException>(() => runtime.ExecuteAsync(
            "INSERT INTO data_protection_keys (friendly_name, xml) VALUES ('planted', '<key><encryptedSecret/></key>')"));

        Assert.NotEmpty(keys);
        Assert.All(keys, xml => Assert.Contains("<encryptedSecret", xml, StringComparison.Ordinal));
        Assert.All(keys, xml => Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal));
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, insert.SqlState);
    }

    [Fact]
    public async Task Changing_ones_own_password_refuses_a_common_one_with_the_reason_and_then_ends_every_other_session()
    {
        var instructor = await app.StaffAsync(StaffRoles.Instructor);
        var (browser, _) = await app.SignInAsync(instructor.Email, instructor.Password);
        var (_, otherCookie) = await app.SignInAsync(instructor.Email, instructor.Password);

        var common = await PostPasswordFormAsync(browser, instructor.Password, "password1234");
        var repetitive = await PostPasswordFormAsync(browser, instructor.Password, "aaaaaaaaaaaa");
        var changed = await PostPasswordFormAsync(browser, instructor.Password, "violet tractor minnow lantern");

        Assert.Contains(PasswordPolicy.CommonPasswordMessage, common, StringComparison.Ordinal);
        Assert.Contains(PasswordPolicy.CommonPasswordMessage, repetitive, StringComparison.Ordinal);
        Assert.Contains("Your password is changed", changed, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(new Uri("/courses", UriKind.Relative))).StatusCode);
        Assert.True(SessionApp.SentToSignIn(await app.GetWithCookieAsync(otherCookie, "/courses")));
        await app.SignInAsync(instructor.Email, "violet tractor minnow lantern");
    }

    private static async Task<string> PostPasswordFormAsync(HttpClient client, string current, string chosen)
    {
        var token = RunningAppFixture.AntiforgeryToken(await client.GetStringAsync(new Uri("/account/password", UriKind.Relative)));
        var response = await client.PostAsync(new Uri("/account/password", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["_handler"] = "change-password",
            ["Input.Current"] = current,
            ["Input.New"] = chosen,
            ["Input.Repeat"] = chosen,
        }));
        var page = response.StatusCode == HttpStatusCode.Redirect ? await client.GetStringAsync(response.Headers.Location) : await response.Content.ReadAsStringAsync();
        return WebUtility.HtmlDecode(page);
    }

    private async Task<Actor> AdminAsync()
    {
        var adminId = await app.OwnerScalarAsync<Guid>("SELECT user_id FROM users WHERE email = @email", new { email = ExternalApp.AdminEmail });
        return await TestSessions.ActorAsync(app.Database.DataSource, adminId, ExternalApp.AdminEmail, StaffRoles.Admin);
    }

    // What someone holding the database's key ring and the certificate that encrypts it could make: the app's own
    // cookie format, protected with its keys.
    private TicketDataFormat CookieFormat()
    {
        var services = new ServiceCollection().AddLogging();
        var certificate = X509CertificateLoader.LoadPkcs12FromFile(app.CertificatePath, null);
        services.AddDataProtection().SetApplicationName("TechCourse.Admin").ProtectKeysWithCertificate(certificate);
        var repository = new PostgresXmlRepository(NpgsqlDataSource.Create(app.Runtime), new DatabaseConnections(app.Runtime, app.Database.ConnectionString, false),
            NullLogger<PostgresXmlRepository>.Instance);
        services.Configure<KeyManagementOptions>(options => options.XmlRepository = repository);
        var protector = services.BuildServiceProvider().GetDataProtectionProvider()
            .CreateProtector("Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationMiddleware", CookieAuthenticationDefaults.AuthenticationScheme, "v2");
        return new TicketDataFormat(protector);
    }

    private static string Forge(TicketDataFormat format, Actor actor) =>
        format.Protect(new AuthenticationTicket(actor.ToPrincipal(CookieAuthenticationDefaults.AuthenticationScheme), CookieAuthenticationDefaults.AuthenticationScheme));
}
