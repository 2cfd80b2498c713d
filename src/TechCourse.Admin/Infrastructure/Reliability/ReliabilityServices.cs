using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using TechCourse.Admin.Infrastructure.Database;
using TechCourse.Admin.Infrastructure.Security;

namespace TechCourse.Admin.Infrastructure.Reliability;

public static class ReliabilityServices
{
    /// Database outage handling, unexpected-error reporting, sign-in rate limits and Data Protection keys in PostgreSQL.
    public static void AddReliability(this IHostApplicationBuilder builder, DatabaseConnections connections)
    {
        var status = new DatabaseStatus();
        if (connections.Embedded) status.ReportReady();
        builder.Services.AddSingleton(status);
        builder.Services.AddHostedService<DatabaseMonitor>();
        builder.Services.AddExceptionHandler<UnhandledErrorLogger>();
        SignInRateLimits.AddSignInRateLimits(builder.Services, builder.Configuration);
        builder.Services.AddSingleton<PostgresXmlRepository>();
        builder.Services.AddDataProtection().SetApplicationName("TechCourse.Admin");
        builder.Services.AddOptions<KeyManagementOptions>().Configure<PostgresXmlRepository>((options, repository) => options.XmlRepository = repository);
    }
}
