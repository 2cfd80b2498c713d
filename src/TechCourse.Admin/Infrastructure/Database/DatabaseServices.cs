using Microsoft.Extensions.Options;
using TechCourse.Admin.Infrastructure.Configuration;

namespace TechCourse.Admin.Infrastructure.Database;

public static class DatabaseServices
{
    // The database settings, the one NpgsqlDataSource and the start-up work, in the order it runs. Registered before
    // anything else, so the start-up services start first and stop last.
    public static void AddDatabase(this IHostApplicationBuilder builder, DatabaseStartupWork work)
    {
        var services = builder.Services;
        services.AddSettings<ConnectionStringsOptions>();
        services.AddSettings<DatabaseOptions>();
        services.AddSettings<EmbeddedPostgresOptions>();
        services.AddSingleton(work);
        services.AddSingleton<DatabaseStatus>();
        services.AddSingleton<EmbeddedDatabase>();
        services.AddSingleton(provider =>
        {
            var configured = provider.GetRequiredService<IOptions<ConnectionStringsOptions>>().Value;
            return configured.External ? DatabaseConnections.External(configured) : provider.GetRequiredService<EmbeddedDatabase>().Connections;
        });
        services.AddNpgsqlDataSource("", (provider, dataSource) => dataSource.ConnectionStringBuilder.ConnectionString = DatabaseTuning.Runtime(
            provider.GetRequiredService<DatabaseConnections>().Runtime, provider.GetRequiredService<IOptions<DatabaseOptions>>().Value.StatementTimeoutSeconds));

        services.AddSingleton<PreparedWrites>();
        services.AddSingleton<ReportsDataSource>();
        services.AddHostedService(provider => new EmbeddedClusterStartup(Embedded(provider)));
        services.AddSingleton<MigrationStartup>();
        services.AddHostedService(provider => provider.GetRequiredService<MigrationStartup>());
        services.AddHostedService(provider => new RuntimeLoginStartup(Embedded(provider)));
        services.AddHostedService<DemoDataStartup>();
    }

    private static EmbeddedDatabase? Embedded(IServiceProvider provider) =>
        provider.GetRequiredService<DatabaseConnections>().Embedded ? provider.GetRequiredService<EmbeddedDatabase>() : null;
}
