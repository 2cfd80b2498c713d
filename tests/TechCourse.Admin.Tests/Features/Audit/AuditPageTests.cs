using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using TechCourse.Admin.Features.Audit;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Infrastructure.Time;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Features.Audit;

public sealed class AuditPageTests
{
    private static BunitContext Context(TestDatabase database, Guid userId, string role)
    {
        var context = MudTestContext.Create();
        context.Services.AddSingleton(new AuditQueries(database.DataSource));
        context.Services.AddSingleton(new AuditChain(database.DataSource));
        context.Services.AddSingleton(new AuditLiveFeed(NullLogger<AuditLiveFeed>.Instance));
        context.Services.AddScoped<ViewerTimeZone>();
        var auth = context.AddAuthorization();
        auth.SetAuthorized("viewer@techcourse.com");
        auth.SetRoles(role);
        auth.SetClaims(new Claim(ClaimTypes.NameIdentifier, userId.ToString()));
        context.SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", true));
        return context;
    }

    [Fact]
    public async Task An_empty_log_says_that_nothing_has_been_logged_yet()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var context = Context(database, Guid.NewGuid(), StaffRoles.Admin);

        var page = context.Render<AuditPage>();

        page.WaitForAssertion(() => Assert.Contains("No price changes have been logged yet", page.Find("[data-testid=audit-empty]").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Filters_from_the_address_narrow_the_timeline_and_say_so_when_nothing_matches()
    {
        await using var database = await TestDatabase.CreateAsync();
        var (_, course) = await AuditTestData.InstructorWithCourseAsync(database.DataSource);
        var at = new DateTimeOffset(2025, 3, 1, 10, 0, 0, TimeSpan.Zero);
        var up = await AuditTestData.LogAsync(database.DataSource, course, 100, 120, at);
        await AuditTestData.LogAsync(database.DataSource, course, 120, 90, at.AddHours(1));
        await using var context = Context(database, Guid.NewGuid(), StaffRoles.Admin);

        var navigation = context.Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("/audit?direction=up");
        var increases = context.Render<AuditPage>();
        increases.WaitForAssertion(() => Assert.Equal([up.ToString()], increases.FindAll("tr.audit-entry [data-log-id]").Select(e => e.GetAttribute("data-log-id"))), TimeSpan.FromSeconds(10));
        Assert.Contains("$100.00 → $120.00", increases.Find("[data-testid=audit-prices]").TextContent, StringComparison.Ordinal);
        Assert.Contains("+$20.00 (+20 %)", increases.Find("tr.audit-entry").TextContent, StringComparison.Ordinal);
        Assert.Contains("outside the app: ", increases.Find("[data-testid=audit-who]").TextContent, StringComparison.Ordinal);

        navigation.NavigateTo("/audit?direction=up&minpct=50");
        var none = context.Render<AuditPage>();
        none.WaitForAssertion(() => Assert.Contains("No price changes match these filters", none.Find("[data-testid=audit-empty]").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Changing_a_filter_puts_it_into_the_address()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var context = Context(database, Guid.NewGuid(), StaffRoles.Admin);
        var page = context.Render<AuditPage>();
        page.WaitForAssertion(() => page.Find("[data-testid=audit-empty]"), TimeSpan.FromSeconds(10));

        var select = page.FindComponent<MudBlazor.MudSelect<PriceDirection>>();
        await page.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(PriceDirection.Decreases));

        var uri = context.Services.GetRequiredService<NavigationManager>().Uri;
        Assert.Contains("direction=down", uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_instructor_is_not_offered_the_instructor_filter()
    {
        await using var database = await TestDatabase.CreateAsync();
        var (instructor, _) = await AuditTestData.InstructorWithCourseAsync(database.DataSource);
        await using var context = Context(database, instructor, StaffRoles.Instructor);

        var page = context.Render<AuditPage>();

        page.WaitForAssertion(() => page.Find("[data-testid=audit-empty]"), TimeSpan.FromSeconds(10));
        Assert.Empty(page.FindAll("[data-testid=filter-instructor]"));
        Assert.Contains("Price changes of your courses", page.Markup, StringComparison.Ordinal);
    }
}
