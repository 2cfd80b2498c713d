using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using TechCourse.Admin.Infrastructure.Database;
using TechCourse.Admin.Infrastructure.Security;

namespace TechCourse.Admin.Infrastructure.Reliability;

public static class ReliabilityServices
{
    /// Database outage handling, unexpected-error reporting, sign-in rate limits and Data Protection keys in PostgreSQL
    /// (encrypted with the key ring's certificate).
    public static void AddReliability(this IHostApplicationBuilder builder, DatabaseConnections connections)
    {
        var status = new DatabaseStatus();
        if (connections.Embedded) status.ReportReady();
        builder.Services.AddSingleton(status);
        builder.Services.AddHostedService<DatabaseMonitor>();
        builder.Services.AddExceptionHandler<UnhandledErrorLogger>();
        // A value that does not bind (courseId=abc, a missing anti-forgery token) is the client's mistake: 400 in every
        // environment, never an exception page.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(options => options.ThrowOnBadRequest = false);
        SignInRateLimits.AddSignInRateLimits(builder.Services, builder.Configuration);
        builder.Services.AddSingleton<PostgresXmlRepository>();
        using var loggers = LoggerFactory.Create(logging => logging.AddConfiguration(builder.Configuration.GetSection("Logging")).AddSimpleConsole(o => o.SingleLine = true));
        var certificate = KeyRingCertificate.Load(builder.Configuration, builder.Environment.ContentRootPath, connections.Embedded, loggers.CreateLogger("TechCourse.Admin"));
        builder.Services.AddDataProtection().SetApplicationName("TechCourse.Admin").ProtectKeysWithCertificate(certificate);
        builder.Services.AddOptions<KeyManagementOptions>().Configure<PostgresXmlRepository>((options, repository) => options.XmlRepository = repository);
    }

    /// /health answers 200 or 503 with one line saying why, e.g. "Unhealthy: Database unavailable — retrying…".
    public static void MapHealthEndpoint(this WebApplication app) =>
        app.MapHealthChecks("/health", new HealthCheckOptions
        {
            ResponseWriter = (context, report) =>
            {
                context.Response.ContentType = "text/plain; charset=utf-8";
                var reasons = report.Entries.Values.Select(entry => entry.Description).Where(d => !string.IsNullOrEmpty(d));
                return context.Response.WriteAsync($"{report.Status}: {string.Join(" ", reasons)}");
            },
        }).AllowAnonymous();

    /// Reliability:FaultEndpoints (off unless set, for the fault tests) maps /_faults/throw, an unexpected server error.
    public static void MapFaultEndpoints(this WebApplication app)
    {
        if (!app.Configuration.GetValue("Reliability:FaultEndpoints", false)) return;
        app.MapGet("/_faults/throw", string () => throw new InvalidOperationException("Injected fault (Reliability:FaultEndpoints)")).AllowAnonymous();
    }
}
