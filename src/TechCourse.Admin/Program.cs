using TechCourse.Admin.Infrastructure.Cli;
using TechCourse.Admin.Infrastructure.Database;
using TechCourse.Admin.Infrastructure.Hosting;

try
{
    var contentRoot = ContentRoot.Locate();
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = contentRoot, WebRootPath = "wwwroot" });
    using var loggers = LoggerFactory.Create(logging => logging.AddConfiguration(builder.Configuration.GetSection("Logging")).AddSimpleConsole(o => o.SingleLine = true));
    var logger = loggers.CreateLogger("TechCourse.Admin");
    if (CommandLine.IsVerb(args)) return await CommandLine.RunAsync(args, builder.Configuration, contentRoot, loggers, Console.IsInputRedirected ? Console.In : null, CancellationToken.None);

    await using var database = await DatabaseStartup.ConnectAsync(builder.Configuration, contentRoot, logger, CancellationToken.None);
    // An external server may be down or restarting: DatabaseMonitor migrates in the background and the app serves a
    // "database unavailable — retrying" state meanwhile. The embedded cluster is ours: if it cannot start, we cannot either.
    if (database.Connections.Embedded)
    {
        await database.MigrateAsync(logger, CancellationToken.None);
        if (builder.Configuration.GetValue("EmbeddedPostgres:LoadDemoData", true))
            await database.LoadDemoDataIfEmptyAsync(logger, withDemoAccounts: builder.Environment.IsDevelopment(), CancellationToken.None);
    }

    builder.UseBuildOutputStaticAssets();
    builder.AddApplicationServices(database.Connections);
    var app = builder.Build();
    app.UseApplicationPipeline();
    app.Lifetime.ApplicationStarted.Register(() => logger.LogInformation("TechCourse Admin is ready at {Urls}", string.Join(", ", app.Urls)));
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (e is EnvironmentProblemException or MigrationFailedException or Npgsql.NpgsqlException or ArgumentException or FormatException or IOException
    or Microsoft.Extensions.Options.OptionsValidationException)
{
    Console.Error.WriteLine($"TechCourse Admin cannot start: {e.Message}");
    return 1;
}

public partial class Program;
