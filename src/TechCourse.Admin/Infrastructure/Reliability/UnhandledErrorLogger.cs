using Microsoft.AspNetCore.Diagnostics;

namespace TechCourse.Admin.Infrastructure.Reliability;

/// Logs every unhandled request error once with its correlation id, then lets the /error page explain it.
public sealed class UnhandledErrorLogger(ILogger<UnhandledErrorLogger> logger) : IExceptionHandler
{
    public ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var id = CorrelationId.For(httpContext);
        using (logger.BeginScope(new Dictionary<string, object> { ["CorrelationId"] = id }))
            logger.LogError(exception, "Unhandled error {CorrelationId} on {Method} {Path}", id, httpContext.Request.Method,
                httpContext.Features.Get<IExceptionHandlerPathFeature>()?.Path ?? httpContext.Request.Path.Value);
        return ValueTask.FromResult(false);
    }
}
