using System.ComponentModel.DataAnnotations;
using TechCourse.Admin.Infrastructure.Configuration;

namespace TechCourse.Admin.Features.Campaigns;

public sealed record CampaignSettings : ISettings
{
    public static string Section => "Campaigns";

    // How often the scheduler looks for due steps when none falls due sooner (one due sooner is waited for exactly).
    [Range(0.05, 60, ErrorMessage = "must be a number of seconds from {1} to {2}")]
    public double PollIntervalSeconds { get; init; } = 1;

    // Batches of due steps run at once, each batch in its own transaction on its own connection.
    [Range(1, 16, ErrorMessage = "must be a whole number from {1} to {2}")]
    public int Workers { get; init; } = 2;

    // The longest wait between two tries while the database does not answer.
    [Range(0.1, 3_600, ErrorMessage = "must be a number of seconds from {1} to {2}")]
    public double MaxRetryDelaySeconds { get; init; } = 5;

    public TimeSpan PollInterval => TimeSpan.FromSeconds(PollIntervalSeconds);
}
