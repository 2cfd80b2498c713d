using Microsoft.AspNetCore.Authentication.Cookies;
using MudBlazor.Services;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Components;
using TechCourse.Admin.Features.Campaigns;
using TechCourse.Admin.Features.Analytics;
using TechCourse.Admin.Features.Courses;
using TechCourse.Admin.Features.Audit;
using TechCourse.Admin.Features.Home;
using TechCourse.Admin.Features.Enrollments;
using TechCourse.Admin.Features.Sales;
using TechCourse.Admin.Features.Users;
using TechCourse.Admin.Infrastructure.Database;
using TechCourse.Admin.Infrastructure.Exports;
using TechCourse.Admin.Infrastructure.Reliability;
using TechCourse.Admin.Infrastructure.Security;
using TechCourse.Admin.Infrastructure.Time;

namespace TechCourse.Admin.Infrastructure.Hosting;

public static class ApplicationServices
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder)
    {
        builder.AddDatabase(new DatabaseStartupWork(MigrateExternalDatabase: false, LoadDemoData: true));
        builder.AddReliability();
        builder.AddForwardedHeaders();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.Services.AddScoped<ViewerTimeZone>();
        builder.Services.AddHomeFeature();
        builder.Services.AddCoursesFeature();
        builder.Services.AddUsersFeature();
        builder.Services.AddEnrollmentsFeature();
        builder.Services.AddSalesFeature();
        builder.Services.AddAnalyticsFeature();
        builder.Services.AddAuditFeature();
        builder.Services.AddSingleton<AccountStore>();
        builder.Services.AddSingleton<SignInService>();
        builder.Services.AddExportLimits();
        builder.AddCampaignsFeature();
        builder.AddSessions();
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(options =>
        {
            // Every request checks the cookie's server-side session (sql/0019).
            options.EventsType = typeof(SessionCookieEvents);
            options.LoginPath = AccountEndpoints.SignInPath;
            options.AccessDeniedPath = "/account/access-denied";
            options.Cookie.Name = "TechCourse.Auth";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            // Lifetime: Auth:CookieLifetime (AddSessions).
            options.SlidingExpiration = true;
        });
        // Secure over https (behind a known proxy too: ReverseProxy:KnownProxies), like the auth cookie; the framework's default sends it over either.
        builder.Services.AddAntiforgery(options => options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest);
        builder.Services.AddAuthorization();
        builder.Services.AddCascadingAuthenticationState();
    }

    public static void UseApplicationPipeline(this WebApplication app)
    {
        app.UseForwardedHeadersFromKnownProxies();
        // The calm /error page with a correlation id in every environment: the stack trace goes to the log only.
        app.UseExceptionHandler("/error", createScopeForErrors: true);
        if (!app.Environment.IsDevelopment()) app.UseHsts();
        app.UseSecurityHeaders();
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseStaticFiles();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapHealthEndpoint();
        app.MapAccountEndpoints();
        app.MapFaultEndpoints();
        app.MapEnrollmentsExport();
        app.MapSalesExports();
        app.MapAuditExport();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
    }

    // Serves the framework's and MudBlazor's _content/ files when a built (not published) app runs outside Development.
    public static void UseBuildOutputStaticAssets(this WebApplicationBuilder builder)
    {
        var manifest = Path.Combine(AppContext.BaseDirectory, $"{builder.Environment.ApplicationName}.staticwebassets.runtime.json");
        if (File.Exists(manifest)) builder.WebHost.UseStaticWebAssets();
    }
}
