using Microsoft.AspNetCore.Authentication.Cookies;
using MudBlazor.Services;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Components;
using TechCourse.Admin.Features.Campaigns;
using TechCourse.Admin.Features.Courses;
using TechCourse.Admin.Features.Audit;
using TechCourse.Admin.Features.Dashboard;
using TechCourse.Admin.Features.Enrollments;
using TechCourse.Admin.Features.Sales;
using TechCourse.Admin.Infrastructure.Database;
using TechCourse.Admin.Infrastructure.Reliability;
using TechCourse.Admin.Infrastructure.Security;
using TechCourse.Admin.Infrastructure.Time;

namespace TechCourse.Admin.Infrastructure.Hosting;

public static class ApplicationServices
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder, DatabaseConnections connections)
    {
        builder.Services.AddSingleton(connections);
        builder.Services.AddNpgsqlDataSource(DatabaseTuning.Runtime(connections.Runtime, builder.Configuration));
        builder.AddReliability(connections);
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        builder.Services.AddSingleton<DashboardQueries>();
        builder.Services.AddCoursesFeature();
        builder.Services.AddUsersAndEnrollmentsFeatures();
        builder.Services.AddScoped<ViewerTimeZone>();
        builder.AddSalesFeature();
        builder.Services.AddSingleton<AccountStore>();
        builder.Services.AddSingleton<SignInService>();
        builder.Services.AddAuditFeature();
        builder.AddCampaignsFeature();
        builder.AddSessions();
        var auth = builder.Configuration.GetSection("Auth").Get<AuthOptions>() ?? new AuthOptions();
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
            options.ExpireTimeSpan = auth.CookieLifetime;
            options.SlidingExpiration = true;
        });
        builder.Services.AddAuthorization();
        builder.Services.AddCascadingAuthenticationState();
    }

    public static void UseApplicationPipeline(this WebApplication app)
    {
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

    /// Serve the framework's and MudBlazor's _content/ files when a built (not published) app runs outside Development.
    public static void UseBuildOutputStaticAssets(this WebApplicationBuilder builder)
    {
        var manifest = Path.Combine(AppContext.BaseDirectory, $"{builder.Environment.ApplicationName}.staticwebassets.runtime.json");
        if (File.Exists(manifest)) builder.WebHost.UseStaticWebAssets();
    }
}
