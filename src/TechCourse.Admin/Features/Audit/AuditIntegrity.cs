using System.Globalization;
using Dapper;
using Npgsql;

namespace TechCourse.Admin.Features.Audit;

// What verification found: the chain walk, the newest checkpoint it was compared with, every problem (a broken chain
// is in Chain), notes that are not problems, and the checkpoint written when everything held.
public sealed record IntegrityReport(ChainVerification Chain, AuditCheckpoint? Newest, IReadOnlyList<string> Problems, IReadOnlyList<string> Notes, AuditCheckpoint? Written)
{
    public bool Intact => Chain.Intact && Problems.Count == 0;
}

// Refused: why no checkpoint was written (the database no longer matches the newest one). Written: the new one, or null
// when nothing changed since the newest one or nothing is sealed yet.
public sealed record CheckpointOutcome(AuditCheckpoint? Written, IReadOnlyList<string> Refused);

// Anchors the hash chain outside the database. The chain alone cannot tell whether its newest entries were deleted, the
// whole log emptied, or entries edited and every later hash recomputed: a database owner can do all of that and leave a
// chain that verifies. Checkpoints (head sequence and hash, entry count, anchor, time), signed with a key the database
// never sees and appended to a file it cannot write, pin the chain as it was; each new one is written only after the
// entries sealed since the previous one were checked to extend it, so the newest checkpoint vouches for the whole chain
// up to its head.
public sealed class AuditIntegrity(NpgsqlDataSource dataSource, AuditChain chain, AuditCheckpointFile file, ILogger<AuditIntegrity>? logger = null)
{
    private const int ListedBadLines = 5;

    // Who wrote a checkpoint: the host, the process and this instance (two app instances may share a process or a pid).
    private readonly string instance = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    public AuditCheckpointFile File => file;

    // A checkpoint of the chain as it stands, unless it matches the newest one already, or no longer extends it.
    // archivedTo: the anchor the archive verb just moved the chain to (sequence, hash), the one move of the anchor allowed.
    public async Task<CheckpointOutcome> CheckpointAsync(string why, CancellationToken ct, (long Seq, string Hash)? archivedTo = null)
    {
        var (problems, written, _) = await AnchorAsync(why, fullLog: false, appendWhenUnchanged: false, mayAppend: true, archivedTo, ct);
        if (problems.Count > 0) logger?.LogError("Audit checkpoint refused: {Problems}", string.Join(" ", problems));
        return new CheckpointOutcome(written, problems);
    }

    // Seals what has committed, walks the whole chain, compares the database with the newest valid checkpoint (and reads
    // every line of the file, so an edited one is reported), and writes a checkpoint when all of it holds. Without seal
    // (a standby) it only reads: nothing is sealed and no checkpoint is written.
    public async Task<IntegrityReport> VerifyAsync(CancellationToken ct, bool seal = true)
    {
        var walk = await chain.VerifyAsync(ct, seal);
        var (problems, written, log) = await AnchorAsync(AuditCheckpoint.Verify, fullLog: true, appendWhenUnchanged: true, mayAppend: walk.Intact && seal, null, ct);
        var notes = new List<string>();
        if (log!.Newest is null)
            notes.Add(log.FileExists
                ? $"The checkpoint file {file.Options.File} held no checkpoint of this database yet: nothing outside the database vouched for the chain before now."
                : $"There was no checkpoint file yet ({file.Options.File}): nothing outside the database vouched for the chain before now.");
        if (log.OtherDatabases > 0)
            notes.Add($"The checkpoint file also holds {log.OtherDatabases.ToString("N0", CultureInfo.InvariantCulture)} checkpoint(s) of other databases (ignored).");
        return new IntegrityReport(walk, log.Newest, problems, notes, written);
    }

    private async Task<(List<string> Problems, AuditCheckpoint? Written, AuditCheckpointLog? Log)> AnchorAsync(
        string why, bool fullLog, bool appendWhenUnchanged, bool mayAppend, (long Seq, string Hash)? archivedTo, CancellationToken ct)
    {
        // The head is read while the file is held: a checkpoint another instance appends meanwhile is never newer than it.
        using var gate = await file.LockAsync(ct);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var head = await HeadAsync(connection, ct);
        var log = fullLog ? await file.ReadAllAsync(head.Database, ct) : null;
        var newest = log is not null ? log.Newest : await file.NewestAsync(head.Database, ct);
        var problems = log is null ? [] : BadLines(log);
        if (newest is not null)
        {
            problems.AddRange(await CompareAsync(connection, head, newest, log?.Checkpoints, archivedTo, ct));
            if (problems.Count == 0 && head.Seq > newest.Seq)
            {
                // The entries sealed since must extend the checkpointed chain (from its head, or from a new archive anchor).
                var (fromSeq, fromHash) = head.AnchorSeq > newest.Seq ? (head.AnchorSeq, head.AnchorHash) : (newest.Seq, Convert.FromHexString(newest.Hash));
                if (await AuditChain.FirstBreakAsync(connection, fromSeq, fromHash, null, ct) is { } broken)
                    problems.Add($"Entry #{N(broken.SealSeq)} (log id {broken.LogId}), sealed after the checkpoint {Describe(newest)}: {broken.Problem}.");
            }
        }
        if (problems.Count > 0 || !mayAppend || head.Seq is null) return (problems, null, log);
        var checkpoint = new AuditCheckpoint(head.Database, head.Seq.Value, Convert.ToHexStringLower(head.Hash!), head.Count, head.AnchorSeq,
            Convert.ToHexStringLower(head.AnchorHash), DateTimeOffset.UtcNow, instance, why);
        if (newest is not null && checkpoint.SameHeadAs(newest) && !appendWhenUnchanged) return (problems, null, log);
        await file.AppendAsync(checkpoint, ct);
        return (problems, checkpoint, log);
    }

    // How the database differs from the checkpoint c, most telling first. history: every valid checkpoint of the database,
    // to narrow down where a rewrite starts.
    private static async Task<List<string>> CompareAsync(NpgsqlConnection connection, ChainHead head, AuditCheckpoint c, IReadOnlyList<AuditCheckpoint>? history,
        (long Seq, string Hash)? archivedTo, CancellationToken ct)
    {
        var problems = new List<string>();
        var when = Describe(c);
        var anchorHash = Convert.ToHexStringLower(head.AnchorHash);
        var anchorMoved = head.AnchorSeq != c.AnchorSeq || anchorHash != c.AnchorHash;
        if (anchorMoved && archivedTo != (head.AnchorSeq, anchorHash))
            problems.Add(head.AnchorSeq > c.AnchorSeq && head.Seq is not null
                ? $"Entries #{N(c.AnchorSeq + 1)}…#{N(head.AnchorSeq)} left the start of the chain after the checkpoint {when} without the archive verb (which checkpoints every archive): the oldest entries were deleted and the chain's anchor moved to hide it."
                : $"The chain's anchor is #{N(head.AnchorSeq)} ({Short(anchorHash)}), but the checkpoint {when} recorded #{N(c.AnchorSeq)} ({Short(c.AnchorHash)}): the anchor was rewritten.");

        var end = head.Seq ?? head.AnchorSeq;
        if (head.Count == 0 && c.Count > 0)
            problems.Add($"The log was emptied: the checkpoint {when} sealed {N(c.Count)} entries up to #{N(c.Seq)}; the database holds no sealed entry now.");
        else if (end < c.Seq)
            problems.Add($"Entries #{N(end + 1)}…#{N(c.Seq)} are gone: the checkpoint {when} sealed the chain up to #{N(c.Seq)} (hash {Short(c.Hash)}), " +
                         $"and the database's chain now ends at #{N(end)}. The newest entries were deleted.");
        else if (c.Seq > head.AnchorSeq)
        {
            var now = await HashAtAsync(connection, c.Seq, ct);
            if (now is null)
                problems.Add($"Entry #{N(c.Seq)}, the head of the checkpoint {when}, is missing from the database.");
            else if (now != c.Hash)
            {
                var intact = await NewestStillMatchingAsync(connection, history, head.AnchorSeq, c.Seq, ct);
                var from = intact is null ? $"at or before #{N(c.Seq)}" : $"after #{N(intact.Seq)} (which still matches the checkpoint {Describe(intact)}) and up to #{N(c.Seq)}";
                problems.Add($"The entry sealed as #{N(c.Seq)} no longer has the hash the checkpoint {when} recorded ({Short(c.Hash)}; now {Short(now)}): " +
                             $"an entry {from} was rewritten and the hashes after it recomputed.");
            }
        }
        return problems;
    }

    // Binary search over the older checkpoints: a rewrite that starts at entry k changes the hash of every entry from k on,
    // so the checkpoints before k still match and those from k on do not.
    private static async Task<AuditCheckpoint?> NewestStillMatchingAsync(NpgsqlConnection connection, IReadOnlyList<AuditCheckpoint>? history, long anchorSeq, long below,
        CancellationToken ct)
    {
        var older = (history ?? []).Where(h => h.Seq > anchorSeq && h.Seq < below).DistinctBy(h => h.Seq).OrderBy(h => h.Seq).ToList();
        AuditCheckpoint? found = null;
        var (low, high) = (0, older.Count - 1);
        while (low <= high)
        {
            var middle = (low + high) / 2;
            if (await HashAtAsync(connection, older[middle].Seq, ct) == older[middle].Hash)
            {
                found = older[middle];
                low = middle + 1;
            }
            else high = middle - 1;
        }
        return found;
    }

    private static List<string> BadLines(AuditCheckpointLog log)
    {
        var listed = log.BadLines.Take(ListedBadLines).Select(b => $"Line {N(b.Line)} of the checkpoint file cannot be trusted: {b.Problem}.").ToList();
        if (log.BadLines.Count > ListedBadLines) listed.Add($"… and {N(log.BadLines.Count - ListedBadLines)} more such lines.");
        return listed;
    }

    private sealed record ChainHead(string Database, long? Seq, byte[]? Hash, long Count, long AnchorSeq, byte[] AnchorHash);

    private static Task<ChainHead> HeadAsync(NpgsqlConnection connection, CancellationToken ct) =>
        connection.QuerySingleAsync<ChainHead>(new CommandDefinition("""
            SELECT (pg_control_system()).system_identifier::text || '/' || current_database() AS database,
                   h.seal_seq AS seq, h.entry_hash AS hash,
                   (SELECT count(*) FROM price_changes WHERE seal_seq IS NOT NULL) AS count,
                   a.anchor_seq, a.anchor_hash
            FROM price_change_chain_anchor a
            LEFT JOIN LATERAL (SELECT seal_seq, entry_hash FROM price_changes WHERE seal_seq IS NOT NULL ORDER BY seal_seq DESC LIMIT 1) h ON true
            """, cancellationToken: ct));

    private static async Task<string?> HashAtAsync(NpgsqlConnection connection, long seq, CancellationToken ct) =>
        await connection.QuerySingleOrDefaultAsync<byte[]>(new CommandDefinition(
            "SELECT entry_hash FROM price_changes WHERE seal_seq = @seq", new { seq }, cancellationToken: ct)) is { } hash ? Convert.ToHexStringLower(hash) : null;

    public static string Describe(AuditCheckpoint c) => "of " + When(c);

    public static string When(AuditCheckpoint c) => $"{c.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC (#{N(c.Seq)}, {c.Why})";

    private static string Short(string hash) => hash.Length > 16 ? hash[..16] + "…" : hash;

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
