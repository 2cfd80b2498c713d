using TechCourse.Admin.Infrastructure.Database;

namespace TechCourse.Admin.Features.Enrollments;

public static class EnrollmentsFeature
{
    public static IServiceCollection AddEnrollmentsFeature(this IServiceCollection services) => services.AddSingleton<EnrollmentsQueries>()
        .AddKeyedSingleton(ReportsDataSource.Key, (provider, _) => new EnrollmentsQueries(provider.GetRequiredService<ReportsDataSource>().DataSource));
}
