using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using TechCourse.Admin.Infrastructure.Database;
using TechCourse.Admin.Infrastructure.Security;

namespace TechCourse.Admin.Infrastructure.Auth;

public static class AccountEndpoints
{
    public const string SignInPath = "/account/sign-in";
    public const string SignOutPath = "/account/sign-out";
    public const string SignOutEverywherePath = "/account/sign-out-everywhere";
    public const string ActivityPath = "/account/activity";
    public const string ActivityHeader = "X-TechCourse-Activity";

    public static void MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(SignInPath, async ([FromForm] SignInForm form, HttpContext http, SignInService signIn, CancellationToken ct) =>
        {
            var returnUrl = SafeReturnUrl(form.ReturnUrl);
            SignInResult result;
            try
            {
                result = await signIn.SignInAsync(form.Email, form.Password, http.Connection.RemoteIpAddress?.ToString(), ct);
            }
            catch (Exception e) when (DatabaseErrors.IsTransient(e))
            {
                result = new SignInResult(SignInOutcome.Unavailable);
            }
            if (result.Actor is null)
                return Results.Redirect($"{SignInPath}?error={result.Outcome}&returnUrl={Uri.EscapeDataString(returnUrl)}");
            await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, result.Actor.ToPrincipal(CookieAuthenticationDefaults.AuthenticationScheme));
            http.RequestServices.GetRequiredService<SessionConfirmations>().Confirm(result.Actor.Session!);
            return Results.LocalRedirect(returnUrl);
        }).AllowAnonymous().WithSignInRateLimits();

        endpoints.MapPost(SignOutPath, (HttpContext http, SessionStore sessions, ILogger<SessionStore> logger) =>
            SignOutAsync(http, sessions, logger, everywhere: false)).RequireAuthorization().AddEndpointFilter(RequireAntiforgery);
        endpoints.MapPost(SignOutEverywherePath, (HttpContext http, SessionStore sessions, ILogger<SessionStore> logger) =>
            SignOutAsync(http, sessions, logger, everywhere: true)).RequireAuthorization().AddEndpointFilter(RequireAntiforgery);

        // The page's activity beacon (app.js, while someone types or clicks, at most twice per touch interval): working in
        // an open circuit sends no request, and the idle timeout must not end the session of a user at work. Checking the
        // cookie is what moves last_seen_at. Its custom header cannot be sent cross-site without a CORS preflight.
        endpoints.MapPost(ActivityPath, (HttpContext http) => http.Request.Headers.ContainsKey(ActivityHeader) ? Results.NoContent() : Results.BadRequest())
            .RequireAuthorization();
    }

    // State-changing posts need the form's anti-forgery token like any other.
    private static async ValueTask<object?> RequireAntiforgery(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var antiforgery = context.HttpContext.RequestServices.GetRequiredService<Microsoft.AspNetCore.Antiforgery.IAntiforgery>();
        return await antiforgery.IsRequestValidAsync(context.HttpContext) ? await next(context) : Results.BadRequest("Invalid anti-forgery token.");
    }

    private static async Task<IResult> SignOutAsync(HttpContext http, SessionStore sessions, ILogger logger, bool everywhere)
    {
        if (Actor.From(http.User) is { Session: { } token })
        {
            try
            {
                await sessions.EndAsync(token, everywhere, http.RequestAborted);
                http.RequestServices.GetRequiredService<SessionConfirmations>().Forget(token);
            }
            catch (Exception e) when (DatabaseErrors.IsTransient(e))
            {
                logger.LogWarning("Sign-out could not end the session in the database ({Problem}); it ends at its idle timeout", e.Message);
            }
        }
        await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return Results.Redirect($"{SignInPath}?signedOut={(everywhere ? "everywhere" : "true")}");
    }

    public static string SafeReturnUrl(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal)
            && !returnUrl.StartsWith("/\\", StringComparison.Ordinal) && !returnUrl.StartsWith(SignInPath, StringComparison.OrdinalIgnoreCase)
            ? returnUrl
            : "/";

    public sealed class SignInForm
    {
        public string? Email { get; set; }
        public string? Password { get; set; }
        public string? ReturnUrl { get; set; }
    }
}
