using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using TechCourse.Admin.Infrastructure.Postgres;

namespace TechCourse.Admin.Bench;

/// The real app from its build output as a child process, in Production, on the bench database as the runtime login.
public sealed partial class AppHost : IAsyncDisposable
{
    private readonly Process process;
    private readonly StringBuilder output = new();
    private readonly TaskCompletionSource ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AppHost(BenchDatabase database, IReadOnlyDictionary<string, string>? environment)
    {
        BaseAddress = new Uri($"http://127.0.0.1:{LocalPostgresCluster.FreeTcpPort()}/");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        info.ArgumentList.Add(AppAssembly);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        info.Environment["ASPNETCORE_URLS"] = BaseAddress.ToString().TrimEnd('/');
        info.Environment["ConnectionStrings__TechCourse"] = database.RuntimeConnectionString;
        info.Environment["ConnectionStrings__TechCourseMigrations"] = database.OwnerConnectionString;
        info.Environment["Logging__Console__FormatterName"] = "simple";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Collect(e.Data);
        process.ErrorDataReceived += (_, e) => Collect(e.Data);
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"The app exited before it was ready:{Environment.NewLine}{Output}"));
    }

    public Uri BaseAddress { get; }
    public int ProcessId => process.Id;

    public string Output
    {
        get
        {
            lock (output) return output.ToString();
        }
    }

    public static string RepositoryRoot { get; } = FindRoot();

    public static string AppAssembly
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
            return Path.Combine(RepositoryRoot, "src", "TechCourse.Admin", "bin", configuration, "net10.0", "TechCourse.Admin.dll");
        }
    }

    /// environment: settings added to (or overriding) the app's, e.g. a log level an entry counts lines of.
    public static async Task<AppHost> StartAsync(BenchDatabase database, IReadOnlyDictionary<string, string>? environment = null)
    {
        var app = new AppHost(database, environment);
        app.process.Start();
        app.process.BeginOutputReadLine();
        app.process.BeginErrorReadLine();
        await app.ready.Task.WaitAsync(TimeSpan.FromMinutes(3));
        return app;
    }

    /// Resident memory of the server process (VmRSS), in KiB.
    public long WorkingSetKiB()
    {
        foreach (var line in File.ReadLines($"/proc/{process.Id}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line["VmRSS:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture);
        throw new InvalidOperationException("VmRSS not found.");
    }

    private HttpClient NewClient(CookieContainer cookies) => new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies, UseCookies = true })
    {
        BaseAddress = BaseAddress,
        Timeout = TimeSpan.FromMinutes(2),
    };

    public async Task<HttpClient> SignedInClientAsync(string email, string password, CancellationToken ct) =>
        (await SignInAsync(email, password, ct)).Client;

    /// Signs in through the real form: the anti-forgery token from the page, the cookie kept in the client.
    public async Task<(HttpClient Client, CookieContainer Cookies)> SignInAsync(string email, string password, CancellationToken ct)
    {
        var cookies = new CookieContainer();
        var client = NewClient(cookies);
        var page = await client.GetStringAsync(new Uri("/account/sign-in", UriKind.Relative), ct);
        var token = WebUtility.HtmlDecode(TokenPattern().Match(page).Groups[1].Value);
        using var response = await client.PostAsync(new Uri("/account/sign-in", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["Email"] = email,
            ["Password"] = password,
            ["ReturnUrl"] = "/",
        }), ct);
        if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location?.OriginalString != "/")
            throw new InvalidOperationException($"Signing in as {email} failed: {(int)response.StatusCode} {response.Headers.Location}");
        return (client, cookies);
    }

    /// Each line the app writes, as it arrives (on the reader's thread); the lines are also kept in Output unless KeepOutput is off.
    public event Action<string>? Line;

    /// Off for an entry that makes the app log a line per event and counts them through Line instead.
    public bool KeepOutput { get; set; } = true;

    private void Collect(string? line)
    {
        if (line is null) return;
        Line?.Invoke(line);
        if (KeepOutput || !ready.Task.IsCompleted)
            lock (output) output.AppendLine(line);
        if (line.Contains("TechCourse Admin is ready at", StringComparison.Ordinal)) ready.TrySetResult();
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
            if (File.Exists(Path.Combine(directory.FullName, "TechCourse.Admin.sln"))) return directory.FullName;
        throw new InvalidOperationException($"TechCourse.Admin.sln not found above {AppContext.BaseDirectory}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]);
            await kill.WaitForExitAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        process.Dispose();
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
