using System.Diagnostics;
using System.Globalization;
using System.Text;
using TechCourse.Admin.Infrastructure.Hosting;
using TechCourse.Admin.Infrastructure.Postgres;

namespace TechCourse.Admin.Tests.Support;

// The app's built dll as a child process, for the tests that are about the process itself: its start-up failures,
// stop signals and command-line verbs. Every other test hosts the app in-process (TestApp).
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly StringBuilder errors = new();

    private AppProcess(IReadOnlyDictionary<string, string> environment, IReadOnlyList<string> arguments)
    {
        BaseAddress = new Uri($"http://127.0.0.1:{LocalPostgresCluster.FreeTcpPort()}/");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        info.ArgumentList.Add(RepositoryPaths.AppAssembly);
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["ASPNETCORE_URLS"] = BaseAddress.ToString().TrimEnd('/');
        info.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (key, value) in environment) info.Environment[key] = value;
        process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Collect(output, e.Data);
        process.ErrorDataReceived += (_, e) => Collect(errors, e.Data);
    }

    public Uri BaseAddress { get; }
    public string Output => Read(output) + Read(errors);
    public string Errors => Read(errors);

    public static AppProcess Start(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var app = new AppProcess(environment, arguments);
        app.process.Start();
        app.process.StandardInput.Close();
        app.process.BeginOutputReadLine();
        app.process.BeginErrorReadLine();
        return app;
    }

    // Starts the web app and returns once it listens.
    public static async Task<AppProcess> StartAsync(IReadOnlyDictionary<string, string> environment)
    {
        var app = Start(environment);
        try
        {
            await app.WaitForOutputAsync("TechCourse Admin is ready at", TimeSpan.FromMinutes(3));
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        try
        {
            await Eventually.WaitForAsync(() => Output.Contains(text, StringComparison.Ordinal) || process.HasExited, timeout, $"'{text}' in the output");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}{Environment.NewLine}{Output}", e);
        }
        if (!Output.Contains(text, StringComparison.Ordinal)) throw new InvalidOperationException($"The process exited before printing '{text}':{Environment.NewLine}{Output}");
    }

    // What Ctrl+C in a terminal or a service manager's stop does (a background job ignores SIGINT; SIGTERM reaches it).
    public Task TerminateAsync() => ProcessRunner.RunAsync("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]);

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The process did not exit within {timeout.TotalSeconds:F0} s:{Environment.NewLine}{Output}");
        }
        process.WaitForExit();
        return process.ExitCode;
    }

    public static async Task<(int ExitCode, string Output, string Errors)> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        await using var app = Start(environment, arguments);
        var exitCode = await app.WaitForExitAsync(TimeSpan.FromMinutes(2));
        return (exitCode, Read(app.output), app.Errors);
    }

    private static void Collect(StringBuilder buffer, string? line)
    {
        if (line is null) return;
        lock (buffer) buffer.AppendLine(line);
    }

    private static string Read(StringBuilder buffer)
    {
        lock (buffer) return buffer.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            await TerminateAsync();
            await WaitForExitAsync(TimeSpan.FromSeconds(60));
        }
        process.Dispose();
    }
}
