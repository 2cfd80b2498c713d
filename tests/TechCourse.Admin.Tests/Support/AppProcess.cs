using System.Diagnostics;
using System.Text;
using TechCourse.Admin.Infrastructure.Hosting;
using TechCourse.Admin.Infrastructure.Postgres;

namespace TechCourse.Admin.Tests.Support;

/// The real app, started from its build output as a child process on a free port.
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string checkpointFolder;

    private AppProcess(IReadOnlyDictionary<string, string> environment)
    {
        var port = LocalPostgresCluster.FreeTcpPort();
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        info.ArgumentList.Add(RepositoryPaths.AppAssembly);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["ASPNETCORE_URLS"] = BaseAddress.ToString().TrimEnd('/');
        info.Environment["Logging__Console__FormatterName"] = "simple";
        // Each app writes its audit checkpoints to a folder of its own (removed on dispose) unless the test names one.
        checkpointFolder = Path.Combine(Path.GetTempPath(), $"tc-app-audit-{Guid.NewGuid():N}"[..25]);
        info.Environment["Audit__CheckpointFile"] = Path.Combine(checkpointFolder, "checkpoints.log");
        info.Environment["Audit__CheckpointKeyFile"] = Path.Combine(checkpointFolder, "checkpoint.key");
        foreach (var (key, value) in environment) info.Environment[key] = value;
        process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Collect(e.Data);
        process.ErrorDataReceived += (_, e) => Collect(e.Data);
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"The app exited before it was ready:{Environment.NewLine}{Output}"));
    }

    public Uri BaseAddress { get; }

    public string Output
    {
        get
        {
            lock (output) return output.ToString();
        }
    }

    public static async Task<AppProcess> StartAsync(IReadOnlyDictionary<string, string> environment)
    {
        var app = new AppProcess(environment);
        app.process.Start();
        app.process.BeginOutputReadLine();
        app.process.BeginErrorReadLine();
        await app.ready.Task.WaitAsync(TimeSpan.FromMinutes(3));
        return app;
    }

    /// Stops the app the way Ctrl+C or a service manager does, and waits for it to finish shutting down.
    public async Task StopAsync()
    {
        if (process.HasExited) return;
        await ProcessRunner.RunAsync("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"The app did not stop within 60 s:{Environment.NewLine}{Output}");
        }
    }

    private void Collect(string? line)
    {
        if (line is null) return;
        lock (output) output.AppendLine(line);
        if (line.Contains("TechCourse Admin is ready at", StringComparison.Ordinal)) ready.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        process.Dispose();
        if (Directory.Exists(checkpointFolder)) Directory.Delete(checkpointFolder, recursive: true);
    }
}
