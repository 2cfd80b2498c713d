using System.Diagnostics;
using System.Net;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Security;

// Idle 3 s, absolute 12 s, last_seen_at moved at most every second: both timeouts are the server's, whatever the cookie says.
public sealed class ShortSessionApp() : SessionApp(new Dictionary<string, string>
{
    ["Auth__IdleTimeout"] = "00:00:03",
    ["Auth__AbsoluteTimeout"] = "00:00:12",
    ["Auth__TouchInterval"] = "00:00:01",
});

public sealed class SessionTimeoutTests(ShortSessionApp app) : IClassFixture<ShortSessionApp>
{
    [Fact]
    public async Task A_session_left_idle_longer_than_the_idle_timeout_is_refused()
    {
        var accounting = await app.StaffAsync(StaffRoles.Accounting);
        var (_, cookie) = await app.SignInAsync(accounting.Email, accounting.Password);
        Assert.Equal(HttpStatusCode.OK, (await app.GetWithCookieAsync(cookie, "/")).StatusCode);

        await Task.Delay(TimeSpan.FromSeconds(4.5));

        Assert.True(SessionApp.SentToSignIn(await app.GetWithCookieAsync(cookie, "/")));
    }

    [Fact]
    public async Task A_session_in_use_outlives_the_idle_timeout_but_not_the_absolute_one()
    {
        var accounting = await app.StaffAsync(StaffRoles.Accounting);
        var (_, cookie) = await app.SignInAsync(accounting.Email, accounting.Password);
        var clock = Stopwatch.StartNew();
        var answers = new List<(double Seconds, bool SignedIn)>();

        while (clock.Elapsed < TimeSpan.FromSeconds(14))
        {
            var response = await app.GetWithCookieAsync(cookie, "/account/session");
            answers.Add((clock.Elapsed.TotalSeconds, response.StatusCode == HttpStatusCode.OK));
            await Task.Delay(500);
        }

        Assert.All(answers.Where(a => a.Seconds < 10), a => Assert.True(a.SignedIn, $"refused at {a.Seconds:F1} s"));
        Assert.All(answers.Where(a => a.Seconds > 12.5), a => Assert.False(a.SignedIn, $"still accepted at {a.Seconds:F1} s"));
    }

    [Fact]
    public async Task The_page_activity_beacon_keeps_a_session_alive_and_needs_its_header()
    {
        var accounting = await app.StaffAsync(StaffRoles.Accounting);
        var (client, cookie) = await app.SignInAsync(accounting.Email, accounting.Password);
        var page = await client.GetStringAsync(new Uri("/", UriKind.Relative));

        var withoutHeader = await client.PostAsync(new Uri(AccountEndpoints.ActivityPath, UriKind.Relative), null);
        for (var i = 0; i < 6; i++)
        {
            await Task.Delay(700);
            using var beacon = new HttpRequestMessage(HttpMethod.Post, AccountEndpoints.ActivityPath);
            beacon.Headers.Add(AccountEndpoints.ActivityHeader, "1");
            Assert.Equal(HttpStatusCode.NoContent, (await client.SendAsync(beacon)).StatusCode);
        }

        Assert.Contains("name=\"techcourse-activity\"", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, withoutHeader.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await app.GetWithCookieAsync(cookie, "/account/session")).StatusCode);
    }
}
