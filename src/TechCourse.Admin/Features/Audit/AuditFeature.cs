using TechCourse.Admin.Infrastructure.Database;

namespace TechCourse.Admin.Features.Audit;

public static class AuditFeature
{
    public static IServiceCollection AddAuditFeature(this IServiceCollection services)
    {
        services.AddSingleton(provider => new AuditQueries(provider.GetRequiredService<ReportsDataSource>().DataSource));
        services.AddSingleton<AuditChain>();
        services.AddSingleton<AuditLiveFeed>();
        services.AddSingleton<ListenDataSource>();
        services.AddHostedService<AuditListener>();
        return services;
    }
}
