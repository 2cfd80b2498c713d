using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using TechCourse.Admin.Infrastructure.Configuration;

namespace TechCourse.Admin.Infrastructure.Security;

// Sign-in attempts are limited per client IP (the rate-limiting middleware) and per account and IP (the email typed,
// from that address: someone else's attempts never hold the owner back), on top of the database lockout after repeated
// failures. RateLimiting:SignInPerIpPerMinute / SignInPerAccountPerMinute.
public sealed class SignInRateLimits : IDisposable
{
    public const string IpPolicy = "sign-in-per-ip";
    private readonly PartitionedRateLimiter<string> perAccount;

    public SignInRateLimits(IOptions<RateLimitingOptions> options)
    {
        var limit = options.Value.SignInPerAccountPerMinute;
        perAccount = PartitionedRateLimiter.Create<string, string>(email => RateLimitPartition.GetSlidingWindowLimiter(email, _ => Window(limit)));
    }

    public static SlidingWindowRateLimiterOptions Window(int permitsPerMinute) => new()
    {
        PermitLimit = permitsPerMinute,
        Window = TimeSpan.FromMinutes(1),
        SegmentsPerWindow = 6,
        QueueLimit = 0,
    };

    public bool TryAcquire(string? email, string? remoteAddress, out TimeSpan retryAfter)
    {
        using var lease = perAccount.AttemptAcquire($"{(email ?? "").Trim().ToLowerInvariant()}\n{remoteAddress}");
        retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
        return lease.IsAcquired;
    }

    public static void AddSignInRateLimits(IServiceCollection services)
    {
        services.AddSettings<RateLimitingOptions>();
        services.AddSingleton<SignInRateLimits>();
        services.AddRateLimiter(options =>
        {
            options.AddPolicy(IpPolicy, http => RateLimitPartition.GetSlidingWindowLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => Window(http.RequestServices.GetRequiredService<IOptions<RateLimitingOptions>>().Value.SignInPerIpPerMinute)));
            options.OnRejected = (context, ct) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromMinutes(1);
                return new ValueTask(TooManyAttempts(retryAfter, "from your network").ExecuteAsync(context.HttpContext));
            };
        });
    }

    public static IResult TooManyAttempts(TimeSpan retryAfter, string scope)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        var html = $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8" /><title>Too many sign-in attempts · TechCourse Admin</title><link rel="stylesheet" href="/app.css" /></head>
            <body><main class="account-page"><section class="account-card" aria-labelledby="account-title">
            <p class="account-brand">TechCourse Admin</p>
            <h1 id="account-title">Too many sign-in attempts</h1>
            <p class="account-message error" role="alert">Too many sign-in attempts {WebUtility.HtmlEncode(scope)}. Wait {seconds.ToString(CultureInfo.InvariantCulture)} seconds, then try again.</p>
            <p><a href="/account/sign-in">Back to sign-in</a></p>
            </section></main></body></html>
            """;
        return new TooManyResult(html, seconds);
    }

    private sealed class TooManyResult(string html, int seconds) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            httpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            httpContext.Response.ContentType = "text/html; charset=utf-8";
            return httpContext.Response.WriteAsync(html);
        }
    }

    public void Dispose() => perAccount.Dispose();
}

public static class SignInRateLimitEndpoints
{
    // Applied to POST /account/sign-in: the IP policy, then the per-account-and-IP limit on the email in the form.
    public static RouteHandlerBuilder WithSignInRateLimits(this RouteHandlerBuilder endpoint) => endpoint
        .RequireRateLimiting(SignInRateLimits.IpPolicy)
        .AddEndpointFilter(async (context, next) =>
        {
            var form = context.Arguments.OfType<Auth.AccountEndpoints.SignInForm>().FirstOrDefault();
            var limits = context.HttpContext.RequestServices.GetRequiredService<SignInRateLimits>();
            return limits.TryAcquire(form?.Email, context.HttpContext.Connection.RemoteIpAddress?.ToString(), out var retryAfter)
                ? await next(context)
                : SignInRateLimits.TooManyAttempts(retryAfter, "for this account from your network");
        });
}
