using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using TechCourse.Admin.Infrastructure.Configuration;
using TechCourse.Admin.Infrastructure.Database;
using TechCourse.Admin.Infrastructure.Security;

namespace TechCourse.Admin.Infrastructure.Reliability;

public static class ReliabilityServices
{
    // Database outage handling, unexpected-error reporting, sign-in rate limits and Data Protection keys in PostgreSQL
    // (encrypted with the key ring's certificate).
    public static void AddReliability(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSettings<ReliabilityOptions>();
        builder.Services.AddHostedService<DatabaseMonitor>();
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        builder.Services.AddExceptionHandler<UnhandledErrorLogger>();
        // A value that does not bind (courseId=abc, a missing anti-forgery token) is the client's mistake: 400 in every
        // environment, never an exception page.
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(options => options.ThrowOnBadRequest = false);
        SignInRateLimits.AddSignInRateLimits(builder.Services);
        builder.AddKeyRing();
    }

    // /health/live: the process answers (no check). /health/ready (and /health, its older name): the runtime
    // connection answers and the migrations are known to be applied. Each answers 200 or 503 with one line saying why,
    // e.g. "Unhealthy: Database unavailable — retrying…"; a standby runtime connection is "Degraded" (200: reads work).
    public static void MapHealthEndpoint(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", Options(_ => false, "The process runs.")).AllowAnonymous();
        app.MapHealthChecks("/health/ready", Options(_ => true, null)).AllowAnonymous();
        app.MapHealthChecks("/health", Options(_ => true, null)).AllowAnonymous();
    }

    private static HealthCheckOptions Options(Func<HealthCheckRegistration, bool> predicate, string? whenNoCheck) => new()
    {
        Predicate = predicate,
        ResponseWriter = (context, report) =>
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            var reasons = report.Entries.Values.Select(entry => entry.Description).Where(d => !string.IsNullOrEmpty(d)).ToList();
            return context.Response.WriteAsync($"{report.Status}: {(reasons.Count == 0 ? whenNoCheck : string.Join(" ", reasons))}");
        },
    };

    public static void MapFaultEndpoints(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<ReliabilityOptions>>().Value.FaultEndpoints) return;
        app.MapGet("/_faults/throw", string () => throw new InvalidOperationException("Injected fault (Reliability:FaultEndpoints)")).AllowAnonymous();
    }
}
