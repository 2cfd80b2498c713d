using System.Security.Cryptography;
using System.Text;
using TechCourse.Admin.Infrastructure.Database;

namespace TechCourse.Admin.Features.Audit;

// Where checkpoints go and how often, resolved from the Audit settings: relative paths are under the content root; by
// default the folder beside the embedded cluster's data folder ("<DataDirectory>-audit", so .data/postgres-audit,
// git-ignored), or .data/audit with an external database. Neither may be inside the database server's data folder: the
// point is that the database's owner cannot rewrite them.
public sealed record AuditCheckpointOptions(string File, string KeyFile, TimeSpan Interval)
{
    public static AuditCheckpointOptions From(AuditLogOptions settings, EmbeddedPostgresOptions embeddedSettings, string contentRoot, bool embedded)
    {
        var folder = embedded
            ? Path.GetFullPath(Path.Combine(contentRoot, embeddedSettings.DataDirectory)).TrimEnd(Path.DirectorySeparatorChar) + "-audit"
            : Path.Combine(contentRoot, ".data", "audit");
        string Resolve(string configured, string fallback) => Path.GetFullPath(Path.Combine(contentRoot, configured is { Length: > 0 } ? configured : fallback));
        return new AuditCheckpointOptions(
            Resolve(settings.CheckpointFile, Path.Combine(folder, "checkpoints.log")),
            Resolve(settings.CheckpointKeyFile, Path.Combine(folder, "checkpoint.key")),
            TimeSpan.FromSeconds(settings.CheckpointIntervalSeconds));
    }
}

// Every line of the file that belongs to one database: the checkpoints that verify (in file order), the lines that do
// not, and how many lines belong to other databases.
public sealed record AuditCheckpointLog(bool FileExists, IReadOnlyList<AuditCheckpoint> Checkpoints, IReadOnlyList<(long Line, string Problem)> BadLines, long OtherDatabases)
{
    public AuditCheckpoint? Newest => Checkpoints.Count == 0 ? null : Checkpoints[^1];
}

// The append-only checkpoint file and its HMAC key, both owned by the app (mode 0600, created on first use). Several
// app instances may share the file: every read and append happens under an exclusive lock on "<file>.lock" (flock,
// which .NET takes for FileShare.None), and each checkpoint is one line written in one call and flushed to disk.
public sealed class AuditCheckpointFile(AuditCheckpointOptions options, ILogger<AuditCheckpointFile>? logger = null)
{
    private const int TailBytes = 64 * 1024;
    private static readonly UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly Lock keyGate = new();
    private byte[]? key;

    public AuditCheckpointOptions Options => options;

    // Holds the file for this caller alone (other threads, instances and processes wait) until disposed.
    public async Task<IDisposable> LockAsync(CancellationToken ct)
    {
        CreateFolder(options.File);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                return new FileStream(options.File + ".lock", OwnerOnlyFile(FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(Random.Shared.Next(10, 40), ct);
            }
        }
    }

    // Every line (the caller holds the lock).
    public async Task<AuditCheckpointLog> ReadAllAsync(string database, CancellationToken ct)
    {
        if (!File.Exists(options.File)) return new AuditCheckpointLog(false, [], [], 0);
        var checkpoints = new List<AuditCheckpoint>();
        var bad = new List<(long, string)>();
        long others = 0, number = 0;
        using var reader = new StreamReader(new FileStream(options.File, FileMode.Open, FileAccess.Read, FileShare.ReadWrite), Encoding.UTF8);
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            number++;
            if (line.Length == 0) continue;
            var (checkpoint, problem) = AuditCheckpoint.Parse(line, Key);
            if (checkpoint is null) bad.Add((number, problem!));
            else if (checkpoint.Database == database) checkpoints.Add(checkpoint);
            else others++;
        }
        return new AuditCheckpointLog(true, checkpoints, bad, others);
    }

    // The newest checkpoint of the database that verifies, read from the end of the file (the caller holds the lock).
    public async Task<AuditCheckpoint?> NewestAsync(string database, CancellationToken ct)
    {
        if (!File.Exists(options.File)) return null;
        await using (var stream = new FileStream(options.File, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            if (stream.Length > TailBytes)
            {
                stream.Seek(-TailBytes, SeekOrigin.End);
                var tail = new byte[TailBytes];
                await stream.ReadExactlyAsync(tail, ct);
                // The first line of the tail may be cut: it is skipped.
                var lines = Encoding.UTF8.GetString(tail).Split('\n').Skip(1);
                foreach (var line in lines.Reverse())
                    if (AuditCheckpoint.Parse(line, Key).Checkpoint is { } found && found.Database == database) return found;
            }
        }
        return (await ReadAllAsync(database, ct)).Newest;
    }

    // Appends one line (the caller holds the lock). A line cut short by a crash is left as it is, and the new one starts
    // on a line of its own.
    public async Task AppendAsync(AuditCheckpoint checkpoint, CancellationToken ct)
    {
        CreateFolder(options.File);
        var line = Encoding.UTF8.GetBytes(checkpoint.ToLine(Key) + "\n");
        await using var stream = new FileStream(options.File, OwnerOnlyFile(FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite));
        if (stream.Length > 0)
        {
            stream.Seek(-1, SeekOrigin.End);
            if (stream.ReadByte() != '\n') line = [(byte)'\n', .. line];
        }
        stream.Seek(0, SeekOrigin.End);
        await stream.WriteAsync(line, ct);
        stream.Flush(flushToDisk: true);
    }

    public byte[] Key
    {
        get
        {
            lock (keyGate) return key ??= LoadOrCreateKey();
        }
    }

    private byte[] LoadOrCreateKey()
    {
        var path = options.KeyFile;
        if (!File.Exists(path))
        {
            CreateFolder(path);
            var fresh = RandomNumberGenerator.GetBytes(32);
            try
            {
                using var stream = new FileStream(path, OwnerOnlyFile(FileMode.CreateNew, FileAccess.Write, FileShare.None));
                stream.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(fresh)));
                stream.Flush(flushToDisk: true);
                logger?.LogInformation("Created the audit checkpoint key {KeyFile}", path);
                return fresh;
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another instance created it first: read theirs below.
            }
        }
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & ~(OwnerOnly | UnixFileMode.UserExecute)) != 0)
            logger?.LogWarning("The audit checkpoint key {KeyFile} can be read by others than its owner: chmod 600 it", path);
        for (var attempt = 0; ; attempt++)
        {
            var text = File.ReadAllText(path).Trim();
            if (text.Length > 0)
            {
                var bytes = new byte[text.Length];
                return Convert.TryFromBase64String(text, bytes, out var length) && length >= 32
                    ? bytes[..length]
                    : throw new InvalidDataException($"{path} is not an audit checkpoint key (32 random bytes, base64).");
            }
            if (attempt == 50) throw new InvalidDataException($"{path} is empty: delete it to have a new key made (older checkpoints will no longer verify).");
            Thread.Sleep(20);
        }
    }

    private static void CreateFolder(string file)
    {
        var folder = Path.GetDirectoryName(file)!;
        if (Directory.Exists(folder)) return;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(folder);
        else Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    // A file created readable and writable by its owner only (not created first and narrowed after).
    private static FileStreamOptions OwnerOnlyFile(FileMode mode, FileAccess access, FileShare share)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = share };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerOnly;
        return options;
    }
}
