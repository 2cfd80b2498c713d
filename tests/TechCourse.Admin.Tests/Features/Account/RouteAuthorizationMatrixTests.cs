using System.Net;
using System.Reflection;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Features.Account;

public sealed class RouteAuthorizationMatrixTests(RunningAppFixture app) : IClassFixture<RunningAppFixture>
{
    private static readonly string[] PublicRoutes = ["/account/sign-in", "/not-found", "/error"];
    // Pages opened from another page (a new campaign from the courses selection), not from the navigation.
    private static readonly string[] NotInNavigation = ["/campaigns/new"];

    // Who may open each page. A page added without a line here fails the discovery test below.
    private static readonly Dictionary<string, string[]> Expected = new()
    {
        ["/"] = [StaffRoles.Admin, StaffRoles.Instructor, StaffRoles.Accounting],
        ["/courses"] = [StaffRoles.Admin, StaffRoles.Instructor],
        ["/enrollments"] = [StaffRoles.Admin, StaffRoles.Instructor, StaffRoles.Accounting],
        ["/users"] = [StaffRoles.Admin],
        ["/users/{UserId:guid}"] = [StaffRoles.Admin],
        ["/sales"] = [StaffRoles.Admin, StaffRoles.Instructor, StaffRoles.Accounting],
        ["/audit"] = [StaffRoles.Admin, StaffRoles.Instructor],
        ["/campaigns"] = [StaffRoles.Admin, StaffRoles.Instructor],
        ["/campaigns/new"] = [StaffRoles.Admin, StaffRoles.Instructor],
        ["/campaigns/{CampaignId:int}"] = [StaffRoles.Admin, StaffRoles.Instructor],
        ["/campaigns/{CampaignId:int}/edit"] = [StaffRoles.Admin, StaffRoles.Instructor],
        ["/analytics"] = [StaffRoles.Admin, StaffRoles.Accounting],
        ["/account/access-denied"] = [StaffRoles.Admin, StaffRoles.Instructor, StaffRoles.Accounting],
        ["/account/session"] = [StaffRoles.Admin, StaffRoles.Instructor, StaffRoles.Accounting],
        ["/account/password"] = [StaffRoles.Admin, StaffRoles.Instructor, StaffRoles.Accounting],
    };

    public static IReadOnlyList<(string Route, Type Page)> DiscoveredRoutes { get; } = typeof(Program).Assembly.GetTypes()
        .SelectMany(type => type.GetCustomAttributes<RouteAttribute>().Select(route => (route.Template, type)))
        .OrderBy(route => route.Template, StringComparer.Ordinal).ToList();

    public static TheoryData<string> ProtectedRoutes() => new(DiscoveredRoutes.Select(r => r.Route).Where(r => !PublicRoutes.Contains(r)));

    [Fact]
    public void Every_page_is_either_public_on_purpose_or_has_an_authorize_attribute_and_an_expected_role_list()
    {
        foreach (var (route, page) in DiscoveredRoutes)
        {
            if (PublicRoutes.Contains(route)) continue;
            Assert.True(page.GetCustomAttribute<AuthorizeAttribute>() is not null, $"{route} ({page.Name}) has no [Authorize]");
            Assert.True(Expected.ContainsKey(route), $"{route} is new: add who may open it to {nameof(Expected)}");
        }
    }

    [Theory]
    [MemberData(nameof(ProtectedRoutes))]
    public async Task Each_page_answers_each_role_as_expected_and_sends_anonymous_visitors_to_sign_in(string route)
    {
        using var anonymous = app.NewClient();
        var path = route.Replace("{UserId:guid}", Guid.Empty.ToString(), StringComparison.Ordinal).Replace("{CampaignId:int}", "1", StringComparison.Ordinal);
        var response = await anonymous.GetAsync(new Uri(path, UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/sign-in", response.Headers.Location!.OriginalString, StringComparison.Ordinal);

        foreach (var (email, role, password) in DemoAccounts.All)
        {
            using var client = await app.SignedInClientAsync(email, password);
            var answer = await client.GetAsync(new Uri(path, UriKind.Relative));
            if (Expected[route].Contains(role))
                Assert.True(answer.StatusCode == HttpStatusCode.OK, $"{role} should open {route} but got {answer.StatusCode} {answer.Headers.Location}");
            else
            {
                Assert.True(answer.StatusCode == HttpStatusCode.Redirect, $"{role} should be refused {route} but got {answer.StatusCode}");
                Assert.StartsWith("/account/access-denied", answer.Headers.Location!.OriginalString, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task The_navigation_shows_each_role_only_the_pages_it_may_open()
    {
        foreach (var (email, role, password) in DemoAccounts.All)
        {
            using var client = await app.SignedInClientAsync(email, password);
            var html = await client.GetStringAsync(new Uri("/", UriKind.Relative));
            foreach (var (route, roles) in Expected.Where(e => !e.Key.StartsWith("/account/", StringComparison.Ordinal) && e.Key != "/" && !e.Key.Contains('{') && !NotInNavigation.Contains(e.Key)))
                Assert.True(roles.Contains(role) == html.Contains($"href=\"{route}\"", StringComparison.Ordinal), $"{role}: link to {route}");
        }
    }
}
