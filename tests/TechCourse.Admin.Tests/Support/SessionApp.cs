using System.Net;
using Dapper;
using Npgsql;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Infrastructure.Security;

namespace TechCourse.Admin.Tests.Support;

// The app as deployed (external database, runtime login, Production-like settings), its key ring encrypted with a
// certificate file the test knows, and helpers to sign people in and replay their cookies.
public class SessionApp : IAsyncLifetime
{
    private readonly IReadOnlyDictionary<string, string> settings;
    private readonly string certificate = Path.Combine(Path.GetTempPath(), $"tc-keyring-{Guid.NewGuid():N}.pfx");
    private TestDatabase? database;
    private TestApp? app;

    public SessionApp() : this(new Dictionary<string, string>()) { }

    protected SessionApp(IReadOnlyDictionary<string, string> settings) => this.settings = settings;

    public TestDatabase Database => database ?? throw new InvalidOperationException("Fixture not initialised.");
    public TestApp App => app ?? throw new InvalidOperationException("Fixture not initialised.");
    public string Runtime { get; private set; } = "";
    public string CertificatePath => certificate;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync();
        await ExternalApp.CreateAdminAsync(database.ConnectionString);
        Runtime = await ExternalApp.CreateRuntimeLoginAsync(database.ConnectionString);
        KeyRingCertificate.Create(certificate);
        var environment = new Dictionary<string, string>
        {
            ["DataProtection__CertificatePath"] = certificate,
            ["RateLimiting__SignInPerAccountPerMinute"] = "10000",
            ["RateLimiting__SignInPerIpPerMinute"] = "10000",
        };
        foreach (var (key, value) in settings) environment[key] = value;
        app = await ExternalApp.StartAsync(Runtime, database.ConnectionString, environment);
    }

    // A staff account with a password of its own (unique email).
    public async Task<(Guid Id, string Email, string Password)> StaffAsync(string role)
    {
        var email = $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}@techcourse.com";
        const string password = "session-test-password-2026";
        await using var owner = await Database.DataSource.OpenConnectionAsync();
        var id = await StaffAccounts.CreateOrResetAsync(owner, email, role, password, CancellationToken.None);
        return (id, email, password);
    }

    // Signs in through the form and returns the client (cookies kept) and the auth cookie's value.
    public async Task<(HttpClient Client, string Cookie)> SignInAsync(string email, string password)
    {
        var cookies = new CookieContainer();
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies }) { BaseAddress = App.BaseAddress };
        var response = await ExternalApp.PostSignInAsync(client, email, password);
        if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location?.OriginalString != "/")
            throw new InvalidOperationException($"Signing in as {email} failed: {response.StatusCode} {response.Headers.Location}");
        return (client, cookies.GetCookies(App.BaseAddress)["TechCourse.Auth"]!.Value);
    }

    // What a request with only this cookie gets: 200, or a redirect to sign-in.
    public async Task<HttpResponseMessage> GetWithCookieAsync(string cookie, string path)
    {
        using var client = ExternalApp.ClientWithCookie(App, cookie);
        return await client.GetAsync(new Uri(path, UriKind.Relative));
    }

    public static bool SentToSignIn(HttpResponseMessage response) =>
        response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.OriginalString.Contains("/account/sign-in", StringComparison.Ordinal);

    // Posts one of the account forms (sign-out, sign out everywhere) with the anti-forgery token of a page.
    public static async Task<HttpResponseMessage> PostAccountFormAsync(HttpClient client, string path)
    {
        var token = RunningAppFixture.AntiforgeryToken(await client.GetStringAsync(new Uri("/account/session", UriKind.Relative)));
        return await client.PostAsync(new Uri(path, UriKind.Relative),
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
    }

    public async Task<T> OwnerScalarAsync<T>(string sql, object? args = null)
    {
        await using var owner = await Database.DataSource.OpenConnectionAsync();
        return (await owner.ExecuteScalarAsync<T>(sql, args))!;
    }

    public NpgsqlDataSource RuntimeDataSource() => NpgsqlDataSource.Create(Runtime);

    public async Task DisposeAsync()
    {
        if (app is not null) await app.DisposeAsync();
        if (database is not null) await database.DisposeAsync();
        File.Delete(certificate);
    }
}
