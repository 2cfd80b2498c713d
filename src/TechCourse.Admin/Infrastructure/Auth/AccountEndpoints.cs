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
            catch (Npgsql.NpgsqlException e) when (Database.DatabaseMonitor.IsUnavailable(e))
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

    /// A path of this site, or "/". Whatever is not printable ASCII is percent-encoded first (as a browser would send it): a
    /// tab, CR, LF or U+3000 left raw would fail the Location header, and browsers drop tab, CR and LF from a URL, which
    /// would turn "/\t/evil.example" into "//evil.example".
    public static string SafeReturnUrl(string? returnUrl)
    {
        if (string.IsNullOrEmpty(returnUrl)) return "/";
        var url = PercentEncodeNonPrintable(returnUrl);
        return url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            && !url.StartsWith(SignInPath, StringComparison.OrdinalIgnoreCase)
            ? url
            : "/";
    }

    private static string PercentEncodeNonPrintable(string url)
    {
        if (url.All(c => c is > ' ' and < '\u007f')) return url;
        var encoded = new System.Text.StringBuilder(url.Length * 3);
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in url.EnumerateRunes())
        {
            if (rune.Value is > ' ' and < 0x7f)
            {
                encoded.Append((char)rune.Value);
                continue;
            }
            var length = rune.EncodeToUtf8(utf8);
            foreach (var b in utf8[..length]) encoded.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return encoded.ToString();
    }

    public sealed class SignInForm
    {
        public string? Email { get; set; }
        public string? Password { get; set; }
        public string? ReturnUrl { get; set; }
    }
}
