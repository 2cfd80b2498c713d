namespace TechCourse.Admin.Features.Campaigns;

public static class CampaignsFeature
{
    public static void AddCampaignsFeature(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<CampaignOptions>().BindConfiguration(CampaignOptions.Section);
        builder.Services.AddSingleton<CampaignPreviews>();
        builder.Services.AddSingleton<CampaignsStore>();
        builder.Services.AddSingleton<CampaignsQueries>();
        builder.Services.AddSingleton<CampaignSteps>();
        builder.Services.AddSingleton<CampaignFeed>();
        builder.Services.AddHostedService<CampaignScheduler>();
    }
}
