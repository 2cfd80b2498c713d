using System.Net;
using Npgsql;
using TechCourse.Admin.Infrastructure.Auth;

namespace TechCourse.Admin.Tests.Support;

// The app as a deployment runs it: an external connection string (runtime login in the techcourse_app group, owner
// for migrations), settings overridable per test, and a staff admin to sign in with.
public static class ExternalApp
{
    public const string AdminEmail = "reliability-admin@techcourse.com";
    public const string AdminPassword = "Reliable-Admin-Pass-2026!";

    public static async Task<string> CreateRuntimeLoginAsync(string ownerConnectionString)
    {
        var login = $"tc_rt_{Guid.NewGuid():N}"[..20];
        var password = Guid.NewGuid().ToString("N");
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE ROLE {login} LOGIN PASSWORD '{password}' IN ROLE techcourse_app", connection);
        await command.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(ownerConnectionString) { Username = login, Password = password }.ConnectionString;
    }

    public static async Task CreateAdminAsync(string ownerConnectionString)
    {
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync();
        await StaffAccounts.CreateOrResetAsync(connection, AdminEmail, StaffRoles.Admin, AdminPassword, CancellationToken.None);
    }

    // Starts the app on a migrated test database with its own runtime login and an admin account.
    public static async Task<TestApp> StartAsync(TestDatabase database, IReadOnlyDictionary<string, string>? settings = null)
    {
        await CreateAdminAsync(database.ConnectionString);
        var runtime = await CreateRuntimeLoginAsync(database.ConnectionString);
        return await StartAsync(runtime, database.ConnectionString, settings);
    }

    public static Task<TestApp> StartAsync(string runtime, string migrations, IReadOnlyDictionary<string, string>? settings = null)
    {
        var all = new Dictionary<string, string>
        {
            ["ConnectionStrings:TechCourse"] = runtime,
            ["ConnectionStrings:TechCourseMigrations"] = migrations,
            ["Database:ProbeIntervalSeconds"] = "1",
            ["Database:MaxRetryDelaySeconds"] = "1",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>()) all[key.Replace("__", ":", StringComparison.Ordinal)] = value;
        return TestApp.StartAsync(all);
    }

    public static HttpClient NewClient(TestApp app) => app.NewClient();

    public static async Task<HttpResponseMessage> PostSignInAsync(HttpClient client, string email, string password, string returnUrl = "/")
    {
        var page = await client.GetStringAsync(new Uri("/account/sign-in", UriKind.Relative));
        return await client.PostAsync(new Uri("/account/sign-in", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = RunningAppFixture.AntiforgeryToken(page),
            ["Email"] = email,
            ["Password"] = password,
            ["ReturnUrl"] = returnUrl,
        }));
    }

    public static async Task<HttpClient> SignedInClientAsync(TestApp app)
    {
        var client = NewClient(app);
        var response = await PostSignInAsync(client, AdminEmail, AdminPassword);
        if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location?.OriginalString != "/")
            throw new InvalidOperationException($"Signing in failed: {response.StatusCode} {response.Headers.Location}{Environment.NewLine}{app.Output}");
        return client;
    }

    public static Task WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) => Eventually.WaitForAsync(condition, timeout, what);

    // Signs the admin in on an app started for the moment and returns the auth cookie's value (the session stays live).
    public static async Task<string> SignInCookieAsync(string runtime, string migrations, IReadOnlyDictionary<string, string>? settings = null)
    {
        await using var app = await StartAsync(runtime, migrations, settings);
        var cookies = new CookieContainer();
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies }) { BaseAddress = app.BaseAddress };
        var response = await PostSignInAsync(client, AdminEmail, AdminPassword);
        if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location?.OriginalString != "/")
            throw new InvalidOperationException($"Signing in failed: {response.StatusCode} {response.Headers.Location}{Environment.NewLine}{app.Output}");
        return cookies.GetCookies(app.BaseAddress)["TechCourse.Auth"]!.Value;
    }

    // A client that sends only the given auth cookie (and keeps no other).
    public static HttpClient ClientWithCookie(TestApp app, string cookie)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = app.BaseAddress };
        client.DefaultRequestHeaders.Add("Cookie", $"TechCourse.Auth={cookie}");
        return client;
    }

    public static async Task<HttpStatusCode> HealthAsync(HttpClient client) => (await client.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode;
}
