using System.Diagnostics;
using System.Net.Sockets;
using Npgsql;
using TechCourse.Admin.Infrastructure.Hosting;
using TechCourse.Admin.Infrastructure.Postgres;

namespace TechCourse.Admin.Tests.Support;

// A real PgBouncer (Debian's /usr/sbin/pgbouncer, 1.18) in front of the test server, on 127.0.0.1 and a free port,
// with stock settings but for the pool mode: every database of the server under its own name, SCRAM for the logins
// it is given. Run as the postgres user when the tests run as root (PgBouncer refuses root).
public sealed class PgBouncer : IAsyncDisposable
{
    public const string Binary = "/usr/sbin/pgbouncer";
    private readonly Process process;
    private readonly string directory;

    private PgBouncer(Process process, string directory, int port)
    {
        this.process = process;
        this.directory = directory;
        Port = port;
    }

    public int Port { get; }

    public string Log => File.Exists(Path.Combine(directory, "pgbouncer.log")) ? File.ReadAllText(Path.Combine(directory, "pgbouncer.log")) : "";

    // The same connection string, through PgBouncer.
    public string Through(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Host = "127.0.0.1", Port = Port }.ConnectionString;

    public static async Task<PgBouncer> StartAsync(string serverConnectionString, IEnumerable<string> logins, string poolMode = "transaction")
    {
        if (!File.Exists(Binary)) throw new InvalidOperationException($"{Binary} is missing: install Debian's pgbouncer package (.ci/run does).");
        var server = new NpgsqlConnectionStringBuilder(serverConnectionString);
        var directory = Path.Combine(Path.GetTempPath(), $"tc-pgbouncer-{Guid.NewGuid():N}"[..24]);
        Directory.CreateDirectory(directory);
        var users = logins.Select(login => new NpgsqlConnectionStringBuilder(login))
            .Select(b => $"\"{b.Username}\" \"{b.Password}\"").Distinct();
        await File.WriteAllLinesAsync(Path.Combine(directory, "userlist.txt"), users);
        var port = LocalPostgresCluster.FreeTcpPort();
        await File.WriteAllTextAsync(Path.Combine(directory, "pgbouncer.ini"), $"""
            [databases]
            * = host={server.Host} port={server.Port}

            [pgbouncer]
            listen_addr = 127.0.0.1
            listen_port = {port}
            unix_socket_dir =
            auth_type = scram-sha-256
            auth_file = {directory}/userlist.txt
            pool_mode = {poolMode}
            logfile = {directory}/pgbouncer.log
            pidfile =
            """);
        string program = Binary, arguments = $"{directory}/pgbouncer.ini";
        if (ProcessRunner.IsRoot)
        {
            await ProcessRunner.RunAsync("chown", ["-R", "postgres:", directory]);
            (program, arguments) = ("runuser", $"-u postgres -- {Binary} {arguments}");
        }
        // PgBouncer logs every connection to stderr as well as to its log file: both pipes are drained for the whole
        // run, or once their buffer fills PgBouncer blocks on a write and stops answering (it did mid-suite).
        var process = new Process { StartInfo = new ProcessStartInfo(program, arguments) { RedirectStandardError = true, RedirectStandardOutput = true } };
        var output = new StartupOutput();
        process.OutputDataReceived += (_, e) => output.Add(e.Data);
        process.ErrorDataReceived += (_, e) => output.Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var bouncer = new PgBouncer(process, directory, port);
        try
        {
            await Eventually.WaitForAsync(() => process.HasExited || Listens(port), TimeSpan.FromSeconds(30), "PgBouncer to listen");
            if (process.HasExited) throw new InvalidOperationException($"PgBouncer stopped at once: {output}{bouncer.Log}");
            return bouncer;
        }
        catch
        {
            await bouncer.DisposeAsync();
            throw;
        }
    }

    // The first lines only: enough to say why PgBouncer would not start, bounded however long it runs.
    private sealed class StartupOutput
    {
        private const int MaxLines = 200;
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> lines = new();

        public void Add(string? line)
        {
            if (line is not null && lines.Count < MaxLines) lines.Enqueue(line);
        }

        public override string ToString() => string.Join(Environment.NewLine, lines);
    }

    private static bool Listens(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            // runuser passes SIGTERM on to PgBouncer, which then closes its connections and exits.
            Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])?.WaitForExit();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try { await process.WaitForExitAsync(timeout.Token); }
            catch (OperationCanceledException) { process.Kill(entireProcessTree: true); }
        }
        process.Dispose();
        Directory.Delete(directory, recursive: true);
    }
}
