using Npgsql;

namespace TechCourse.Admin.Features.Audit;

// The work of the `audit verify` and `audit archive` verbs (exit code 3: the chain is broken).
public static class AuditCommands
{
    public static async Task<int> VerifyAsync(string connectionString, bool seal, TextWriter output, CancellationToken ct)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var result = await new AuditChain(dataSource).VerifyAsync(ct, seal);
        output.WriteLine(Describe(result));
        return result.Intact ? 0 : 3;
    }

    public static async Task<int> ArchiveAsync(string ownerConnectionString, int years, string file, TextWriter output, TextWriter error, CancellationToken ct)
    {
        try
        {
            var result = await AuditArchive.RunAsync(ownerConnectionString, years, Path.GetFullPath(file), ct);
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
}
