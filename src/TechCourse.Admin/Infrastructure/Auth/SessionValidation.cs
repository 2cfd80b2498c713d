using System.Collections.Concurrent;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.Options;
using TechCourse.Admin.Infrastructure.Configuration;
using TechCourse.Admin.Infrastructure.Database;

namespace TechCourse.Admin.Infrastructure.Auth;

// Sessions this instance saw live, and when. While the database cannot be reached nothing can be checked, and
// nothing can be read either: a session seen live within OutageGrace keeps its page (which then says the database is
// unavailable) instead of being sent to a sign-in that cannot work; any other is refused.
public sealed class SessionConfirmations(TimeProvider time)
{
    public static readonly TimeSpan OutageGrace = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<string, DateTimeOffset> confirmed = new(StringComparer.Ordinal);

    public void Confirm(string token)
    {
        var now = time.GetUtcNow();
        confirmed[token] = now;
        if (confirmed.Count <= 10_000) return;
        foreach (var (key, at) in confirmed)
            if (now - at > OutageGrace) confirmed.TryRemove(key, out _);
    }

    public void Forget(string token) => confirmed.TryRemove(token, out _);

    public bool Recently(string token) => confirmed.TryGetValue(token, out var at) && time.GetUtcNow() - at <= OutageGrace;
}

// Every HTTP request: the cookie's session must be live in the database, for the same user and role; a request also
// counts as activity (last_seen_at moves at most once per touch interval). Otherwise the cookie is refused and removed.
public sealed class SessionCookieEvents(SessionStore sessions, SessionConfirmations confirmations, IOptions<AuthOptions> options) : CookieAuthenticationEvents
{
    public override async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        if (context.Principal is not { } principal || Actor.From(principal) is not { Session: { } token } actor)
        {
            await RefuseAsync(context);
            return;
        }
        try
        {
            var live = await sessions.CheckAsync(token, options.Value.EffectiveTouchInterval, context.HttpContext.RequestAborted);
            if (live is not null && live.UserId == actor.UserId && live.Role == actor.Role)
            {
                confirmations.Confirm(token);
                return;
            }
        }
        catch (Exception e) when (DatabaseErrors.IsTransient(e))
        {
            if (confirmations.Recently(token)) return;
            // Not known to be ended: refused for this request, but the cookie stays for when the database is back.
            context.RejectPrincipal();
            return;
        }
        confirmations.Forget(token);
        await RefuseAsync(context);
    }

    // The handler builds absolute redirects from the request's Host header: only the path and query are sent back.
    public override Task RedirectToLogin(RedirectContext<CookieAuthenticationOptions> context) => base.RedirectToLogin(Relative(context));

    public override Task RedirectToAccessDenied(RedirectContext<CookieAuthenticationOptions> context) => base.RedirectToAccessDenied(Relative(context));

    public override Task RedirectToLogout(RedirectContext<CookieAuthenticationOptions> context) => base.RedirectToLogout(Relative(context));

    public override Task RedirectToReturnUrl(RedirectContext<CookieAuthenticationOptions> context) => base.RedirectToReturnUrl(Relative(context));

    private static RedirectContext<CookieAuthenticationOptions> Relative(RedirectContext<CookieAuthenticationOptions> context)
    {
        if (Uri.TryCreate(context.RedirectUri, UriKind.Absolute, out var absolute)) context.RedirectUri = absolute.PathAndQuery;
        return context;
    }

    private static async Task RefuseAsync(CookieValidatePrincipalContext context)
    {
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
    }
}

// An open circuit checks its session every Auth:RevalidationInterval (at most 30 s): once it has ended, or the role
// changed, the circuit's user becomes anonymous and its page sends the browser to sign-in. Writes do not wait for
// this: the database resolves the session at write time and refuses a write of an ended one at once.
public sealed class SessionRevalidatingAuthenticationStateProvider(ILoggerFactory loggers, SessionStore sessions, IOptions<AuthOptions> options, TimeProvider time)
    : RevalidatingServerAuthenticationStateProvider(loggers)
{
    private DateTimeOffset lastConfirmed = time.GetUtcNow();

    protected override TimeSpan RevalidationInterval => options.Value.RevalidationInterval;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        if (Actor.From(authenticationState.User) is not { Session: { } token } actor) return false;
        try
        {
            // Only requests count as activity (the page's activity beacon is one): an open tab is not a user at work.
            var live = await sessions.CheckAsync(token, touchAfter: null, cancellationToken);
            if (live is null || live.UserId != actor.UserId || live.Role != actor.Role) return false;
            lastConfirmed = time.GetUtcNow();
            return true;
        }
        catch (Exception e) when (DatabaseErrors.IsTransient(e))
        {
            return time.GetUtcNow() - lastConfirmed <= SessionConfirmations.OutageGrace;
        }
    }
}

public static class SessionServices
{
    public static void AddSessions(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSettings<AuthOptions>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SessionStore>();
        builder.Services.AddSingleton<SessionConfirmations>();
        builder.Services.AddScoped<SessionCookieEvents>();
        builder.Services.AddScoped<AuthenticationStateProvider, SessionRevalidatingAuthenticationStateProvider>();
        builder.Services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme)
            .Configure<IOptions<AuthOptions>>((cookie, auth) => cookie.ExpireTimeSpan = auth.Value.CookieLifetime);
    }
}
