using Microsoft.AspNetCore.Diagnostics;

namespace TechCourse.Admin.Infrastructure.Reliability;

// Logs every unhandled request error once with its correlation id, then lets the /error page explain it.
public sealed class UnhandledErrorLogger(ILogger<UnhandledErrorLogger> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is BadHttpRequestException or Microsoft.AspNetCore.Antiforgery.AntiforgeryValidationException
            || exception.InnerException is Microsoft.AspNetCore.Antiforgery.AntiforgeryValidationException
            || httpContext.Features.Get<Microsoft.AspNetCore.Antiforgery.IAntiforgeryValidationFeature>() is { IsValid: false })
        {
            logger.LogInformation("Bad request on {Path}: {Problem}", httpContext.Request.Path.Value, exception.Message);
            httpContext.Response.StatusCode = exception is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status400BadRequest;
            httpContext.Response.ContentType = "text/plain; charset=utf-8";
            await httpContext.Response.WriteAsync("The request could not be understood: a value in the address or form is not valid. Check it and try again.", cancellationToken);
            return true;
        }
        var id = CorrelationId.For(httpContext);
        using (logger.BeginScope(new Dictionary<string, object> { ["CorrelationId"] = id }))
            logger.LogError(exception, "Unhandled error {CorrelationId} on {Method} {Path}", id, httpContext.Request.Method,
                httpContext.Features.Get<IExceptionHandlerPathFeature>()?.Path ?? httpContext.Request.Path.Value);
        return false;
    }
}
