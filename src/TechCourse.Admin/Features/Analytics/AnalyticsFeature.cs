using TechCourse.Admin.Infrastructure.Database;

namespace TechCourse.Admin.Features.Analytics;

public static class AnalyticsFeature
{
    public static IServiceCollection AddAnalyticsFeature(this IServiceCollection services) => services.AddSingleton(provider => new AnalyticsQueries(provider.GetRequiredService<ReportsDataSource>().DataSource));
}
