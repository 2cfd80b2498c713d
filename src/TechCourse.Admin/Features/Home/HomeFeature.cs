using TechCourse.Admin.Features.Audit;
using TechCourse.Admin.Features.Enrollments;
using TechCourse.Admin.Features.Sales;
using TechCourse.Admin.Infrastructure.Database;

namespace TechCourse.Admin.Features.Home;

public static class HomeFeature
{
    // The home pages are reports: they read from ConnectionStrings:TechCourseReports when one is set.
    public static IServiceCollection AddHomeFeature(this IServiceCollection services) =>
        services.AddSingleton(provider => new HomeQueries(provider.GetRequiredService<ReportsDataSource>().DataSource, provider.GetRequiredService<SalesQueries>(),
                provider.GetRequiredService<AuditQueries>(), provider.GetRequiredKeyedService<EnrollmentsQueries>(ReportsDataSource.Key)))
            .AddSingleton<HomeLive>();
}
