using System.CommandLine;
using System.CommandLine.Parsing;
using System.Runtime.InteropServices;
using TechCourse.Admin.Infrastructure.Hosting;

namespace TechCourse.Admin.Infrastructure.Cli;

// Verbs that work on the configured database without starting the web server. Malformed input is a usage error
// (exit code 2, no stack trace); Ctrl+C or SIGTERM cancels the verb, which leaves the database complete or untouched
// (exit code 130).
public static class CommandLine
{
    public const int UsageError = 2;
    public const int Cancelled = 130;
    private static readonly string[] HelpFlags = ["--help", "-h", "-?"];

    public static bool IsVerb(string[] args) =>
        args.Length > 0 && (HelpFlags.Contains(args[0]) || (!args[0].StartsWith('-') && !args[0].Contains('=', StringComparison.Ordinal)));

    // The process's entry: the app's configuration, stop signals turned into cancellation.
    public static async Task<int> RunAsync(string[] args)
    {
        string contentRoot;
        try
        {
            contentRoot = ContentRoot.Locate();
        }
        catch (EnvironmentProblemException e)
        {
            return StartupFailure.Report(e);
        }
        var configuration = new ConfigurationBuilder().SetBasePath(contentRoot)
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile($"appsettings.{Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? "Production"}.json", optional: true)
            .AddEnvironmentVariables()
            .Build();
        // A verb's host only starts and stops; a failed start is reported in one line (StartupFailure), not logged with its stack.
        using var loggers = LoggerFactory.Create(logging => logging.AddConfiguration(configuration.GetSection("Logging")).AddSimpleConsole(o => o.SingleLine = true)
            .AddFilter(StartupFailure.HostCategory, LogLevel.None));
        using var stop = new CancellationTokenSource();
        void Cancel(PosixSignalContext context)
        {
            context.Cancel = true;
            if (!stop.IsCancellationRequested) Console.Error.WriteLine("Stopping: cancelling the verb…");
            stop.Cancel();
        }
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Cancel);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Cancel);
        return await RunAsync(args, configuration, contentRoot, loggers, Console.IsInputRedirected ? Console.In : null, stop.Token);
    }

    public static async Task<int> RunAsync(string[] args, IConfiguration configuration, string contentRoot, ILoggerFactory loggers, TextReader? passwordInput, CancellationToken ct)
    {
        var verbs = new Verbs(new VerbContext(configuration, contentRoot, loggers, passwordInput));
        var parsed = verbs.Root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors) Console.Error.WriteLine(OptionOf(error) is { } option ? $"{option}: {error.Message}" : error.Message);
            Console.Error.WriteLine($"See '{parsed.CommandResult.Command.Name} --help' for the verb's options.");
            return UsageError;
        }
        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null }, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            Console.Error.WriteLine("Cancelled: nothing was left half-done.");
            return Cancelled;
        }
        catch (Exception e) when (StartupFailure.IsExplained(e))
        {
            return StartupFailure.Report(e);
        }
    }

    private static string? OptionOf(ParseError error) => error.SymbolResult switch
    {
        OptionResult option => option.Option.Name,
        ArgumentResult { Parent: OptionResult option } => option.Option.Name,
        _ => null,
    };
}

public sealed record VerbContext(IConfiguration Configuration, string ContentRoot, ILoggerFactory Loggers, TextReader? PasswordInput);
