using Microsoft.Extensions.Options;
using TechCourse.Admin.Infrastructure.Configuration;
using TechCourse.Admin.Infrastructure.Database;

namespace TechCourse.Admin.Features.Audit;

public static class AuditFeature
{
    public static IServiceCollection AddAuditFeature(this IServiceCollection services)
    {
        services.AddSettings<AuditLogOptions>();
        services.AddSingleton(provider => new AuditQueries(provider.GetRequiredService<ReportsDataSource>().DataSource));
        services.AddSingleton<AuditChain>();
        services.AddSingleton<AuditLiveFeed>();
        services.AddSingleton(provider => AuditCheckpointOptions.From(provider.GetRequiredService<IOptions<AuditLogOptions>>().Value,
            provider.GetRequiredService<IOptions<EmbeddedPostgresOptions>>().Value, provider.GetRequiredService<IHostEnvironment>().ContentRootPath,
            provider.GetRequiredService<DatabaseConnections>().Embedded));
        services.AddSingleton<AuditCheckpointFile>();
        services.AddSingleton<AuditIntegrity>();
        services.AddSingleton<ListenDataSource>();
        services.AddHostedService<AuditListener>();
        services.AddHostedService<AuditCheckpointer>();
        return services;
    }
}
