using Microsoft.Extensions.Options;
using Npgsql;
using TechCourse.Admin.Infrastructure.Database;

namespace TechCourse.Admin.Infrastructure.Hosting;

// A start that cannot go on (bad setting, missing PostgreSQL, failed migration, unreachable database for a verb) ends
// with one line naming the problem and exit code 1, not a stack trace; a stop signal during start-up ends it quietly.
public static class StartupFailure
{
    public const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    // The host logs a failed start with its stack trace before the app reports it in one line: silence that log until
    // the host has started (afterwards its errors, e.g. a failed background service, are logged as usual).
    public static void ReportStartupFailuresInOneLine(this IHostApplicationBuilder builder)
    {
        var started = new HostStarted();
        builder.Services.AddSingleton(started);
        builder.Logging.AddFilter((_, category, level) => category != HostCategory || level < LogLevel.Error || started.Value);
    }

    // Runs until a stop signal; a signal that arrives during start-up ends the start quietly.
    public static async Task<int> RunUntilStoppedAsync(this WebApplication app)
    {
        var lifetime = app.Lifetime;
        lifetime.ApplicationStarted.Register(() =>
        {
            app.Services.GetRequiredService<HostStarted>().Value = true;
            app.Logger.LogInformation("TechCourse Admin is ready at {Urls}", string.Join(", ", app.Urls));
        });
        try
        {
            await app.RunAsync();
            return 0;
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            Console.Error.WriteLine("TechCourse Admin stopped before it was ready.");
            return 0;
        }
    }

    public static bool IsExplained(Exception e) => e is EnvironmentProblemException or MigrationFailedException or OptionsValidationException or NpgsqlException
        or IOException or UnauthorizedAccessException
        || e is InvalidOperationException { InnerException: ArgumentException or FormatException } && e.Message.Contains("configuration", StringComparison.Ordinal);

    public static int Report(Exception e)
    {
        var problem = e switch
        {
            OptionsValidationException options => "configuration " + string.Join("; ", options.Failures),
            NpgsqlException => $"the database: {e.Message}",
            _ => e.Message,
        };
        Console.Error.WriteLine($"TechCourse Admin cannot start: {problem.ReplaceLineEndings(" ")}");
        return 1;
    }

    private sealed class HostStarted
    {
        public volatile bool Value;
    }
}
