using System.Net;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Reliability;

[Trait("Category", "Reliability")]
public sealed class DatabaseOutageTests
{
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_app_starts_while_the_database_is_down_explains_it_and_recovers_by_itself()
    {
        await using var server = new StoppablePostgres();
        await using var app = await ExternalApp.StartAsync(server.ConnectionString(), server.ConnectionString());
        using var client = ExternalApp.NewClient(app);

        var health = await client.GetAsync(new Uri("/health", UriKind.Relative));
        var signInPage = WebUtility.HtmlDecode(await client.GetStringAsync(new Uri("/account/sign-in", UriKind.Relative)));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Contains("Database unavailable", await health.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("Database unavailable — retrying", signInPage, StringComparison.Ordinal);

        await server.StartAsync();
        await Eventually.WaitForAsync(async () => await ExternalApp.HealthAsync(client) == HttpStatusCode.OK, Recovery, "/health to report ready");
        await ExternalApp.CreateAdminAsync(server.ConnectionString());
        using var signedIn = await ExternalApp.SignedInClientAsync(app);
        var dashboard = await signedIn.GetStringAsync(new Uri("/", UriKind.Relative));

        Assert.DoesNotContain("Database unavailable", dashboard, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"students\"", dashboard, StringComparison.Ordinal);
        Assert.Contains("Applied migrations", app.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_outage_after_startup_is_shown_on_open_pages_and_ends_without_a_restart()
    {
        await using var server = new StoppablePostgres();
        await server.StartAsync();
        await using var app = await ExternalApp.StartAsync(server.ConnectionString(), server.ConnectionString());
        using var client = ExternalApp.NewClient(app);
        await Eventually.WaitForAsync(async () => await ExternalApp.HealthAsync(client) == HttpStatusCode.OK, Recovery, "/health to report ready");
        await ExternalApp.CreateAdminAsync(server.ConnectionString());
        using var signedIn = await ExternalApp.SignedInClientAsync(app);

        await server.StopAsync();
        await Eventually.WaitForAsync(async () => await ExternalApp.HealthAsync(client) == HttpStatusCode.ServiceUnavailable, Recovery, "/health to report not ready");
        var duringOutage = await signedIn.GetAsync(new Uri("/", UriKind.Relative));
        var duringOutageBody = WebUtility.HtmlDecode(await duringOutage.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, duringOutage.StatusCode);
        Assert.Contains("Database unavailable — retrying", duringOutageBody, StringComparison.Ordinal);
        Assert.Contains("The database did not answer", duringOutageBody, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", duringOutageBody, StringComparison.Ordinal);

        await server.StartAsync();
        await Eventually.WaitForAsync(async () => await ExternalApp.HealthAsync(client) == HttpStatusCode.OK, Recovery, "/health to report ready again");
        var afterOutage = await signedIn.GetStringAsync(new Uri("/", UriKind.Relative));

        Assert.DoesNotContain("Database unavailable", afterOutage, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"students\"", afterOutage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Signing_in_while_the_database_is_down_says_so_instead_of_failing()
    {
        await using var server = new StoppablePostgres();
        await using var app = await ExternalApp.StartAsync(server.ConnectionString(), server.ConnectionString());
        using var client = ExternalApp.NewClient(app);

        var response = await ExternalApp.PostSignInAsync(client, ExternalApp.AdminEmail, ExternalApp.AdminPassword);
        var page = WebUtility.HtmlDecode(await client.GetStringAsync(response.Headers.Location!));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("error=Unavailable", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Contains("The database is unavailable at the moment", page, StringComparison.Ordinal);
    }
}
