using TechCourse.Admin.Infrastructure.Cli;
using TechCourse.Admin.Infrastructure.Hosting;
using TechCourse.Admin.Infrastructure.Observability;

if (CommandLine.IsVerb(args)) return await CommandLine.RunAsync(args);

try
{
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = ContentRoot.Locate(), WebRootPath = "wwwroot" });
    builder.ReportStartupFailuresInOneLine();
    builder.UseBuildOutputStaticAssets();
    builder.AddObservability();
    builder.AddApplicationServices();
    var app = builder.Build();
    app.UseApplicationPipeline();
    return await app.RunUntilStoppedAsync();
}
catch (Exception e) when (StartupFailure.IsExplained(e))
{
    return StartupFailure.Report(e);
}

public partial class Program;
