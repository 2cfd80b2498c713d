using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using TechCourse.Admin.Infrastructure.Database;

namespace TechCourse.Admin.Tests.Support;

// The real app on its embedded default with the Development demo data and sign-ins, shared by one test class.
public sealed partial class RunningAppFixture : IAsyncLifetime
{
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), $"tc-app-{Guid.NewGuid():N}"[..18]);
    private TestApp? app;

    public TestApp App => app ?? throw new InvalidOperationException("Fixture not initialised.");
    public string OwnerConnectionString => App.Services.GetRequiredService<DatabaseConnections>().Migrations;

    public async Task InitializeAsync() =>
        app = await TestApp.StartAsync(new Dictionary<string, string>
        {
            ["EmbeddedPostgres:DataDirectory"] = dataDirectory,
            // Test classes sign the demo accounts in many times a minute; the limits have their own test.
            ["RateLimiting:SignInPerAccountPerMinute"] = "10000",
            ["RateLimiting:SignInPerIpPerMinute"] = "10000",
        });

    public HttpClient NewClient() => App.NewClient();

    // Posts the sign-in form the way a browser does (anti-forgery token from the page, cookie kept in the client).
    public async Task<HttpResponseMessage> PostSignInAsync(HttpClient client, string email, string password, string returnUrl = "/")
    {
        var page = await client.GetStringAsync(new Uri("/account/sign-in", UriKind.Relative));
        return await client.PostAsync(new Uri("/account/sign-in", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = AntiforgeryToken(page),
            ["Email"] = email,
            ["Password"] = password,
            ["ReturnUrl"] = returnUrl,
        }));
    }

    public static string AntiforgeryToken(string page) => WebUtility.HtmlDecode(TokenPattern().Match(page).Groups[1].Value);

    public async Task<HttpClient> SignedInClientAsync(string email, string password)
    {
        var client = NewClient();
        var response = await PostSignInAsync(client, email, password);
        if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location?.OriginalString != "/")
            throw new InvalidOperationException($"Signing in as {email} failed: {response.StatusCode} {response.Headers.Location}");
        return client;
    }

    public async Task DisposeAsync()
    {
        if (app is not null) await app.DisposeAsync();
        if (Directory.Exists(dataDirectory)) Directory.Delete(dataDirectory, recursive: true);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
