namespace TechCourse.Admin.Features.Audit;

public static class AuditFeature
{
    public static IServiceCollection AddAuditFeature(this IServiceCollection services, AuditCheckpointOptions checkpoints)
    {
        services.AddSingleton<AuditQueries>();
        services.AddSingleton<AuditChain>();
        services.AddSingleton<AuditLiveFeed>();
        services.AddSingleton(checkpoints);
        services.AddSingleton<AuditCheckpointFile>();
        services.AddSingleton<AuditIntegrity>();
        services.AddHostedService<AuditListener>();
        services.AddHostedService<AuditCheckpointer>();
        return services;
    }
}
