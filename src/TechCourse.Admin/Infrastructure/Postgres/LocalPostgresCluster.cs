using System.Net;
using System.Net.Sockets;
using Npgsql;
using TechCourse.Admin.Infrastructure.Hosting;

namespace TechCourse.Admin.Infrastructure.Postgres;

public sealed record LocalClusterSettings(string RootDirectory, string? BinDirectory = null, bool Throwaway = false)
{
    public IReadOnlyDictionary<string, string> ServerSettings { get; init; } = new Dictionary<string, string>();

    // Null: a free port. A caller that must hand out connection strings before the server runs plans one (PlanPort).
    public int? Port { get; init; }
}

// A private PostgreSQL cluster started from the machine's server binaries: data, password and log under one folder.
public sealed class LocalPostgresCluster : IAsyncDisposable
{
    public const string Superuser = "postgres";
    public const string SuperuserPasswordFile = "superuser.password";
    private readonly LocalClusterSettings settings;
    private readonly string binDirectory;
    private readonly ServerOsUser osUser;
    private readonly Lock stopGate = new();
    private Task? stopping;

    private LocalPostgresCluster(LocalClusterSettings settings, string binDirectory, ServerOsUser osUser, string password, int port, bool ownsServer)
    {
        this.settings = settings;
        this.binDirectory = binDirectory;
        this.osUser = osUser;
        SuperuserPassword = password;
        Port = port;
        OwnsServer = ownsServer;
    }

    public int Port { get; }
    public bool OwnsServer { get; }
    public string SuperuserPassword { get; }
    public string RootDirectory => settings.RootDirectory;
    public string BinDirectory => binDirectory;
    private string DataDirectory => DataDirectoryOf(settings.RootDirectory);

    public string ConnectionString(string database = "postgres") => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1",
        Port = Port,
        Username = Superuser,
        Password = SuperuserPassword,
        Database = database,
    }.ConnectionString;

    public static async Task<LocalPostgresCluster> StartAsync(LocalClusterSettings settings, CancellationToken ct = default)
    {
        var root = Path.GetFullPath(settings.RootDirectory);
        settings = settings with { RootDirectory = root };
        var bin = await PostgresBinaries.LocateAsync(settings.BinDirectory, ct);
        var osUser = await ServerOsUser.ResolveAsync(ct);
        Directory.CreateDirectory(root);

        await using var startLock = await AcquireStartLockAsync(root, ct);
        var password = SecretFile.ReadOrCreate(Path.Combine(root, SuperuserPasswordFile));

        if (!File.Exists(Path.Combine(DataDirectoryOf(root), "PG_VERSION")))
            await InitializeAsync(settings, bin, osUser, password, ct);

        var runningPort = await RunningPortAsync(bin, osUser, root, ct);
        if (runningPort is { } port)
        {
            if (settings.Port is { } planned && planned != port)
                throw new EnvironmentProblemException(
                    $"Another instance started the PostgreSQL cluster in {root} on port {port} while this one was starting; start this one again to share it.");
            // A cluster left running by an instance that died is adopted; one whose starter still runs is shared.
            var adopt = !OwnerIsAlive(root);
            if (adopt) RecordOwner(root);
            return new LocalPostgresCluster(settings, bin, osUser, password, port, ownsServer: adopt);
        }

        var newPort = settings.Port ?? FreeTcpPort();
        await StartServerAsync(settings, bin, osUser, newPort, ct);
        RecordOwner(root);
        return new LocalPostgresCluster(settings, bin, osUser, password, newPort, ownsServer: true);
    }

    // The port the cluster in root listens on if its server runs, else a free one to start it on.
    public static int PlanPort(string root)
    {
        var pidFile = Path.Combine(DataDirectoryOf(Path.GetFullPath(root)), "postmaster.pid");
        if (File.Exists(pidFile))
        {
            var lines = File.ReadAllLines(pidFile);
            if (lines.Length > 3 && int.TryParse(lines[0].Trim(), out var pid) && IsAlive(pid) && int.TryParse(lines[3].Trim(), out var port)) return port;
        }
        return FreeTcpPort();
    }

    // Every caller waits for the one stop, which no caller's token cancels: a host stops its services twice at once
    // when both WebApplicationFactory and the app's own RunAsync call IHost.StopAsync, and the second caller must not
    // return while the server still runs.
    public Task StopAsync(CancellationToken ct = default)
    {
        if (!OwnsServer) return Task.CompletedTask;
        lock (stopGate) stopping ??= StopServerAsync();
        return stopping.WaitAsync(ct);
    }

    private async Task StopServerAsync()
    {
        var mode = settings.Throwaway ? "immediate" : "fast";
        var result = await osUser.RunAsync(Path.Combine(binDirectory, "pg_ctl"), ["-D", DataDirectory, "-m", mode, "-w", "stop"], TimeSpan.FromSeconds(60), CancellationToken.None);
        if (result.ExitCode != 0)
            throw new EnvironmentProblemException($"pg_ctl stop failed for {DataDirectory}: {result.CombinedOutput}");
        if (settings.Throwaway) Directory.Delete(RootDirectory, recursive: true);
    }

    public Task<bool> IsRunningAsync(CancellationToken ct = default) => IsRunningAsync(binDirectory, osUser, RootDirectory, ct);

    public async ValueTask DisposeAsync() => await StopAsync();

    private static string DataDirectoryOf(string root) => Path.Combine(root, "pgdata");

    private static async Task InitializeAsync(LocalClusterSettings settings, string bin, ServerOsUser osUser, string password, CancellationToken ct)
    {
        var root = settings.RootDirectory;
        var passwordFile = Path.Combine(root, ".initdb-password");
        await File.WriteAllTextAsync(passwordFile, password, ct);
        try
        {
            await osUser.GiveOwnershipAsync(root, ct);
            List<string> arguments =
            [
                "-D", DataDirectoryOf(root), "-U", Superuser, "--auth-local=trust", "--auth-host=scram-sha-256",
                $"--pwfile={passwordFile}", "-E", "UTF8", "--locale=C.UTF-8", "--no-instructions",
            ];
            if (settings.Throwaway) arguments.Add("--no-sync");
            var result = await osUser.RunAsync(Path.Combine(bin, "initdb"), arguments, TimeSpan.FromMinutes(2), ct);
            if (result.ExitCode != 0)
                throw new EnvironmentProblemException($"initdb failed for {DataDirectoryOf(root)}: {result.CombinedOutput}");
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    // glibc's allocator settings for the server: allocations under 16 MiB come from the heap (not mmap) and up to 64 MiB
    // of freed memory stays with the backend. With glibc's defaults a backend hands a query's sort or hash table back to
    // the kernel when the query ends and page-faults it in again on the next one (docs/benchmarks.md).
    public static readonly IReadOnlyList<string> ServerAllocatorEnvironment = ["MALLOC_MMAP_THRESHOLD_=16777216", "MALLOC_TRIM_THRESHOLD_=67108864"];

    private static async Task StartServerAsync(LocalClusterSettings settings, string bin, ServerOsUser osUser, int port, CancellationToken ct)
    {
        await osUser.GiveOwnershipAsync(settings.RootDirectory, ct);
        var options = new List<string> { "-c listen_addresses=127.0.0.1", $"-p {port}", "-c unix_socket_directories=''" };
        if (settings.Throwaway)
            options.AddRange(["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]);
        options.AddRange(settings.ServerSettings.Select(setting => $"-c {setting.Key}={setting.Value}"));

        var log = Path.Combine(settings.RootDirectory, "postgres.log");
        var result = await osUser.RunAsync("env",
            [.. ServerAllocatorEnvironment, Path.Combine(bin, "pg_ctl"), "-D", DataDirectoryOf(settings.RootDirectory), "-l", log, "-w", "-t", "120", "-o", string.Join(' ', options), "start"],
            TimeSpan.FromMinutes(3), ct);
        if (result.ExitCode != 0)
        {
            var tail = File.Exists(log) ? string.Join(Environment.NewLine, File.ReadLines(log).TakeLast(15)) : "";
            throw new EnvironmentProblemException($"PostgreSQL did not start from {DataDirectoryOf(settings.RootDirectory)}: {result.CombinedOutput}{Environment.NewLine}{tail}");
        }
    }

    private static async Task<int?> RunningPortAsync(string bin, ServerOsUser osUser, string root, CancellationToken ct)
    {
        if (!await IsRunningAsync(bin, osUser, root, ct)) return null;
        var lines = await File.ReadAllLinesAsync(Path.Combine(DataDirectoryOf(root), "postmaster.pid"), ct);
        return lines.Length > 3 && int.TryParse(lines[3].Trim(), out var port) ? port : null;
    }

    private static async Task<bool> IsRunningAsync(string bin, ServerOsUser osUser, string root, CancellationToken ct)
    {
        if (!File.Exists(Path.Combine(DataDirectoryOf(root), "postmaster.pid"))) return false;
        var status = await osUser.RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", DataDirectoryOf(root), "status"], ct: ct);
        return status.ExitCode == 0;
    }

    private static void RecordOwner(string root) =>
        File.WriteAllText(Path.Combine(root, "owner.pid"), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private static bool OwnerIsAlive(string root)
    {
        var path = Path.Combine(root, "owner.pid");
        if (!File.Exists(path) || !int.TryParse(File.ReadAllText(path).Trim(), out var pid)) return false;
        return pid == Environment.ProcessId || IsAlive(pid);
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static async Task<FileStream> AcquireStartLockAsync(string root, CancellationToken ct)
    {
        var path = Path.Combine(root, ".start.lock");
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200, ct);
            }
        }
    }

    public static int FreeTcpPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }
}
