using System.ComponentModel.DataAnnotations;
using TechCourse.Admin.Infrastructure.Configuration;

namespace TechCourse.Admin.Infrastructure.Auth;

// The session ends after IdleTimeout without a request or circuit activity, and after AbsoluteTimeout whatever
// happens; the cookie that carries it lives CookieLifetime (sliding).
public sealed record AuthOptions : ISettings
{
    public static string Section => "Auth";

    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00", ErrorMessage = "must be a time span from {1} to {2}")]
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(30);

    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00", ErrorMessage = "must be a time span from {1} to {2}")]
    public TimeSpan AbsoluteTimeout { get; init; } = TimeSpan.FromHours(8);

    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00", ErrorMessage = "must be a time span from {1} to {2}")]
    public TimeSpan CookieLifetime { get; init; } = TimeSpan.FromHours(8);

    // How often an open circuit checks its session: at most 30 s, the bound for losing access.
    [Range(typeof(TimeSpan), "00:00:01", "00:00:30", ErrorMessage = "must be a time span from {1} to {2}")]
    public TimeSpan RevalidationInterval { get; init; } = TimeSpan.FromSeconds(30);

    // last_seen_at moves at most this often, so the idle timeout costs no write per request.
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00", ErrorMessage = "must be a time span from {1} to {2}")]
    public TimeSpan TouchInterval { get; init; } = TimeSpan.FromMinutes(1);

    // Never more than half the idle timeout, so a user who keeps working is never timed out as idle.
    public TimeSpan EffectiveTouchInterval => TimeSpan.FromTicks(Math.Min(TouchInterval.Ticks, IdleTimeout.Ticks / 2));
}
