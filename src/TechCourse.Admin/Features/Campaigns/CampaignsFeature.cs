using TechCourse.Admin.Infrastructure.Configuration;

namespace TechCourse.Admin.Features.Campaigns;

public static class CampaignsFeature
{
    public static void AddCampaignsFeature(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSettings<CampaignSettings>();
        builder.Services.AddSingleton<CampaignPreviews>();
        builder.Services.AddSingleton<CampaignsStore>();
        builder.Services.AddSingleton<CampaignsQueries>();
        builder.Services.AddSingleton<CampaignSteps>();
        builder.Services.AddSingleton<CampaignFeed>();
        builder.Services.AddHostedService<CampaignScheduler>();
    }
}
