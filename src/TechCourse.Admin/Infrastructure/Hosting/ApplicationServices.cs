using Microsoft.AspNetCore.Authentication.Cookies;
using MudBlazor.Services;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Components;
using TechCourse.Admin.Features.Courses;
using TechCourse.Admin.Features.Dashboard;
using TechCourse.Admin.Features.Enrollments;
using TechCourse.Admin.Features.Sales;
using TechCourse.Admin.Infrastructure.Database;
using TechCourse.Admin.Infrastructure.Time;

namespace TechCourse.Admin.Infrastructure.Hosting;

public static class ApplicationServices
{
    public static void AddApplicationServices(this IHostApplicationBuilder builder, DatabaseConnections connections)
    {
        builder.Services.AddSingleton(connections);
        builder.Services.AddNpgsqlDataSource(connections.Runtime);
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
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(options =>
        {
            options.LoginPath = AccountEndpoints.SignInPath;
            options.AccessDeniedPath = "/account/access-denied";
            options.Cookie.Name = "TechCourse.Auth";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
            options.SlidingExpiration = true;
        });
        builder.Services.AddAuthorization();
        builder.Services.AddCascadingAuthenticationState();
    }

    public static void UseApplicationPipeline(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
            app.UseHsts();
        }
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        app.UseStaticFiles();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapHealthChecks("/health").AllowAnonymous();
        app.MapAccountEndpoints();
        app.MapEnrollmentsExport();
        app.MapSalesExports();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
    }

    /// Serve the framework's and MudBlazor's _content/ files when a built (not published) app runs outside Development.
    public static void UseBuildOutputStaticAssets(this WebApplicationBuilder builder)
    {
        var manifest = Path.Combine(AppContext.BaseDirectory, $"{builder.Environment.ApplicationName}.staticwebassets.runtime.json");
        if (File.Exists(manifest)) builder.WebHost.UseStaticWebAssets();
    }
}
