using Npgsql;

namespace TechCourse.Admin.Features.Audit;

// The work of the `audit verify` and `audit archive` verbs (exit code 3: the chain is broken).
public static class AuditCommands
{
    public static async Task<int> VerifyAsync(string connectionString, AuditCheckpointOptions checkpoints, bool seal, TextWriter output, CancellationToken ct)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var report = await Integrity(dataSource, checkpoints).VerifyAsync(ct, seal);
        foreach (var line in Describe(report)) output.WriteLine(line);
        return report.Intact ? 0 : 3;
    }

    private static AuditIntegrity Integrity(NpgsqlDataSource dataSource, AuditCheckpointOptions checkpoints) =>
        new(dataSource, new AuditChain(dataSource), new AuditCheckpointFile(checkpoints));

    public static async Task<int> ArchiveAsync(string ownerConnectionString, AuditCheckpointOptions checkpoints, int years, string file,
        TextWriter output, TextWriter error, CancellationToken ct)
    {
        await using var dataSource = NpgsqlDataSource.Create(ownerConnectionString);
        var integrity = Integrity(dataSource, checkpoints);
        // Only a chain that still matches its newest checkpoint is archived; the archive then checkpoints the new anchor,
        // the one move of the chain's start that verification accepts.
        if ((await integrity.CheckpointAsync(AuditCheckpoint.Interval, ct)).Refused is { Count: > 0 } refused)
        {
            error.WriteLine($"Nothing archived: {string.Join(" ", refused)}");
            return 3;
        }
        try
        {
            var result = await AuditArchive.RunAsync(ownerConnectionString, years, Path.GetFullPath(file), ct);
            if (result.Archived > 0) await integrity.CheckpointAsync(AuditCheckpoint.Archive, ct, (result.ThroughSeq, result.AnchorHash!));
            output.WriteLine(result.Archived == 0
                ? $"Nothing is older than {years} year(s); nothing archived."
                : $"Archived {result.Archived:N0} entries (chain up to #{result.ThroughSeq}, changed up to {result.ThroughChangedAt:u}) to {result.File}. " +
                  $"The chain now starts after #{result.ThroughSeq}, anchored to hash {result.AnchorHash}.");
            output.WriteLine(Describe(result.Remaining));
            return 0;
        }
        catch (InvalidOperationException e)
        {
            error.WriteLine(e.Message);
            return 3;
        }
    }

    public static string Describe(ChainVerification v) => v.Intact
        ? $"Chain intact: {v.Checked:N0} entries checked (#{v.AnchorSeq + 1}…#{v.SealedUpTo}), head hash {v.HeadHash ?? "(none)"}, {v.Unsealed:N0} not yet sealed; {v.Elapsed.TotalSeconds:F1} s."
        : $"Chain BROKEN at #{v.FirstBreak!.SealSeq} (log id {v.FirstBreak.LogId}): {v.FirstBreak.Problem}. {v.Checked:N0} sealed entries; {v.Elapsed.TotalSeconds:F1} s.";

    // The verdict first, then the chain walk, the comparison with the newest checkpoint, every problem and note.
    public static IReadOnlyList<string> Describe(IntegrityReport r)
    {
        var lines = new List<string>
        {
            r.Intact ? "Audit log intact." : $"Audit log NOT intact: {(r.Chain.Intact ? 0 : 1) + r.Problems.Count} problem(s).",
            Describe(r.Chain),
        };
        if (r.Newest is { } newest)
            lines.Add(r.Problems.Count == 0
                ? $"Matches the newest signed checkpoint {AuditIntegrity.Describe(newest)}: nothing it sealed was deleted or rewritten."
                : $"Compared with the newest signed checkpoint {AuditIntegrity.Describe(newest)}:");
        lines.AddRange(r.Problems);
        lines.AddRange(r.Notes);
        if (r.Written is { } written) lines.Add($"Checkpoint written: {AuditIntegrity.When(written)}.");
        return lines;
    }
}
