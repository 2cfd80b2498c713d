using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using TechCourse.Admin.Infrastructure.Security;

namespace TechCourse.Admin.Infrastructure.Auth;

public static class AccountEndpoints
{
    public const string SignInPath = "/account/sign-in";

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
            catch (Npgsql.NpgsqlException e) when (Database.DatabaseErrors.IsTransient(e))
            {
                result = new SignInResult(SignInOutcome.Unavailable);
            }
            if (result.Actor is null)
                return Results.Redirect($"{SignInPath}?error={result.Outcome}&returnUrl={Uri.EscapeDataString(returnUrl)}");
            await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, result.Actor.ToPrincipal(CookieAuthenticationDefaults.AuthenticationScheme));
            return Results.LocalRedirect(returnUrl);
        }).AllowAnonymous().WithSignInRateLimits();

        endpoints.MapPost("/account/sign-out", async (HttpContext http) =>
        {
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.Redirect($"{SignInPath}?signedOut=true");
        }).RequireAuthorization().AddEndpointFilter(async (context, next) =>
        {
            // Sign-out changes state, so it needs the form's anti-forgery token like any other post.
            var antiforgery = context.HttpContext.RequestServices.GetRequiredService<Microsoft.AspNetCore.Antiforgery.IAntiforgery>();
            return await antiforgery.IsRequestValidAsync(context.HttpContext) ? await next(context) : Results.BadRequest("Invalid anti-forgery token.");
        });
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
