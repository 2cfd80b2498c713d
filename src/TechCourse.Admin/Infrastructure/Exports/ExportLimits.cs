using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using TechCourse.Admin.Infrastructure.Configuration;

namespace TechCourse.Admin.Infrastructure.Exports;

// At most Exports:MaxConcurrentPerUser (default 2) downloads of one account run at once; another one is refused at
// once (no queue) with 429 and a message. A streamed export holds its permit until its last byte is written.
public sealed class ExportLimits(IOptions<ExportsOptions> options) : IRateLimiterPolicy<string>
{
    public const string Policy = "exports-per-user";
    private readonly int perUser = options.Value.MaxConcurrentPerUser;

    public RateLimitPartition<string> GetPartition(HttpContext httpContext) =>
        RateLimitPartition.GetConcurrencyLimiter(httpContext.User.FindFirstValue(ClaimTypes.NameIdentifier) ?? "",
            _ => new ConcurrencyLimiterOptions { PermitLimit = perUser, QueueLimit = 0 });

    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected => async (context, ct) =>
    {
        var response = context.HttpContext.Response;
        response.StatusCode = StatusCodes.Status429TooManyRequests;
        response.Headers.RetryAfter = "5";
        CsvExport.NoStore(response);
        response.ContentType = "text/plain; charset=utf-8";
        var exports = perUser == 1 ? "An export is" : $"{perUser.ToString(CultureInfo.InvariantCulture)} exports are";
        await response.WriteAsync($"{exports} already running for your account. Wait until it has finished downloading, then start this one again.", ct);
    };
}

public static class ExportLimitServices
{
    public static IServiceCollection AddExportLimits(this IServiceCollection services)
    {
        services.AddSettings<ExportsOptions>();
        return services.AddRateLimiter(options => options.AddPolicy<string, ExportLimits>(ExportLimits.Policy));
    }

    public static TBuilder WithExportLimits<TBuilder>(this TBuilder endpoint) where TBuilder : IEndpointConventionBuilder =>
        endpoint.RequireRateLimiting(ExportLimits.Policy);
}
