using TechCourse.Admin.Infrastructure.Database;

namespace TechCourse.Admin.Features.Dashboard;

public static class DashboardFeature
{
    public static IServiceCollection AddDashboardFeature(this IServiceCollection services) => services.AddSingleton(provider => new DashboardQueries(provider.GetRequiredService<ReportsDataSource>().DataSource));
}
