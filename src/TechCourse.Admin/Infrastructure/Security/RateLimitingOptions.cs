using System.ComponentModel.DataAnnotations;
using TechCourse.Admin.Infrastructure.Configuration;

namespace TechCourse.Admin.Infrastructure.Security;

public sealed record RateLimitingOptions : ISettings
{
    public static string Section => "RateLimiting";

    [Range(1, 1_000_000, ErrorMessage = "must be a whole number from {1} to {2}")]
    public int SignInPerAccountPerMinute { get; init; } = 10;

    [Range(1, 1_000_000, ErrorMessage = "must be a whole number from {1} to {2}")]
    public int SignInPerIpPerMinute { get; init; } = 60;
}
