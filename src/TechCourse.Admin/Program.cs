using TechCourse.Admin.Infrastructure.Cli;
using TechCourse.Admin.Infrastructure.Hosting;

if (CommandLine.IsVerb(args)) return await CommandLine.RunAsync(args);

WebApplicationBuilder builder;
try
{
    builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = ContentRoot.Locate(), WebRootPath = "wwwroot" });
}
catch (EnvironmentProblemException e)
{
    return StartupFailure.Report(e);
}
builder.ReportInOneLine();
builder.UseBuildOutputStaticAssets();
builder.AddApplicationServices();
var app = builder.Build();
app.UseApplicationPipeline();
return await StartupFailure.RunAsync(app);

public partial class Program;
