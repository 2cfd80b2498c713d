namespace TechCourse.Admin.Infrastructure.Auth;

/// Auth:… in appsettings.json. The session ends after IdleTimeout without a request or circuit activity, and after
/// AbsoluteTimeout whatever happens; the cookie that carries it lives CookieLifetime (sliding).
public sealed class AuthOptions
{
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);
    public TimeSpan AbsoluteTimeout { get; set; } = TimeSpan.FromHours(8);
    public TimeSpan CookieLifetime { get; set; } = TimeSpan.FromHours(8);
    /// How often an open circuit checks its session (at most 30 s: the bound for losing access).
    public TimeSpan RevalidationInterval { get; set; } = TimeSpan.FromSeconds(30);
    /// last_seen_at moves at most this often (so the idle timeout costs no write per request).
    public TimeSpan TouchInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// Never more than half the idle timeout, so a user who keeps working is never timed out as idle.
    public TimeSpan EffectiveTouchInterval => TimeSpan.FromTicks(Math.Min(TouchInterval.Ticks, IdleTimeout.Ticks / 2));

    public IEnumerable<string> Problems()
    {
        if (IdleTimeout < TimeSpan.FromSeconds(1) || IdleTimeout > TimeSpan.FromDays(7)) yield return "Auth:IdleTimeout must be between 1 second and 7 days.";
        if (AbsoluteTimeout < TimeSpan.FromSeconds(1) || AbsoluteTimeout > TimeSpan.FromDays(30)) yield return "Auth:AbsoluteTimeout must be between 1 second and 30 days.";
        if (CookieLifetime < TimeSpan.FromSeconds(1)) yield return "Auth:CookieLifetime must be at least 1 second.";
        if (RevalidationInterval < TimeSpan.FromSeconds(1) || RevalidationInterval > TimeSpan.FromSeconds(30)) yield return "Auth:RevalidationInterval must be between 1 and 30 seconds.";
        if (TouchInterval < TimeSpan.Zero) yield return "Auth:TouchInterval cannot be negative.";
    }
}
