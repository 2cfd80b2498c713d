using System.Diagnostics;
using System.Globalization;
using CsvHelper;
using Dapper;
using Npgsql;

namespace TechCourse.Admin.Features.Audit;

public sealed record ArchiveResult(long Archived, long ThroughSeq, DateTimeOffset? ThroughChangedAt, string? AnchorHash, string File, ChainVerification Remaining);

// Moves the oldest stretch of the chain (every entry older than the cutoff, in chain order, up to the first newer
// one) to a CSV file that keeps each entry's prev_hash and entry_hash, deletes it under the maintenance setting and
// anchors the chain at the last archived hash, all in one transaction. Runs as the schema owner.
public static class AuditArchive
{
    public static async Task<ArchiveResult> RunAsync(string ownerConnectionString, int olderThanYears, string file, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition("SELECT * FROM seal_price_changes(NULL)", transaction: transaction, commandTimeout: 0, cancellationToken: ct));
        var before = await AuditChain.VerifyAsync(connection, 0, clock, ct, transaction);
        if (!before.Intact)
            throw new InvalidOperationException($"The chain is broken at seal #{before.FirstBreak!.SealSeq} (log id {before.FirstBreak.LogId}): {before.FirstBreak.Problem}. Nothing was archived.");

        var through = await connection.ExecuteScalarAsync<long?>(new CommandDefinition("""
            SELECT coalesce((SELECT min(seal_seq) - 1 FROM price_changes WHERE seal_seq IS NOT NULL AND (changed_at >= now() - make_interval(years => @years) OR changed_at IS NULL)),
                            (SELECT max(seal_seq) FROM price_changes))
            """, new { years = olderThanYears }, transaction, cancellationToken: ct));
        var anchorSeq = before.AnchorSeq;
        if (through is null || through <= anchorSeq)
        {
            await transaction.RollbackAsync(ct);
            return new ArchiveResult(0, anchorSeq, null, null, file, before);
        }

        var temporary = file + ".partial";
        try
        {
            return await WriteAndDeleteAsync(connection, transaction, anchorSeq, through.Value, file, temporary, clock, ct);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    private static async Task<ArchiveResult> WriteAndDeleteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, long anchorSeq, long through,
        string file, string temporary, Stopwatch clock, CancellationToken ct)
    {
        long written = 0;
        DateTimeOffset? last = null;
        byte[]? lastHash = null;
        await using (var csv = CsvWriter.ToFile(temporary, null, FileOptions.Asynchronous))
        {
            await csv.WriteRecordAsync(Header, ct);
            var rows = connection.QueryUnbufferedAsync<ArchivedRow>("""
                SELECT seal_seq, log_id, course_id, old_price, new_price, changed_at, changed_by, source, reason, campaign_id, prev_hash, entry_hash
                FROM price_changes WHERE seal_seq > @anchorSeq AND seal_seq <= @through ORDER BY seal_seq
                """, new { anchorSeq, through }, transaction);
            await foreach (var row in rows.WithCancellation(ct))
            {
                await csv.WriteRecordAsync(row.ToFields(), ct);
                written++;
                last = row.ChangedAt;
                lastHash = row.EntryHash;
            }
        }

        await connection.ExecuteAsync(new CommandDefinition("""
            SET LOCAL techcourse.audit_maintenance = 'on';
            DELETE FROM price_changes WHERE seal_seq > @anchorSeq AND seal_seq <= @through;
            UPDATE price_change_chain_anchor SET anchor_seq = @through, anchor_hash = @lastHash,
                archived_entries = archived_entries + @written, archived_through = @last, archived_at = now();
            RESET techcourse.audit_maintenance;
            """, new { anchorSeq, through, lastHash, written, last }, transaction, commandTimeout: 0, cancellationToken: ct));
        var after = await AuditChain.VerifyAsync(connection, 0, clock, ct, transaction);
        if (!after.Intact)
            throw new InvalidOperationException($"After archiving, the remaining chain would not verify ({after.FirstBreak!.Problem}); nothing was changed.");
        await transaction.CommitAsync(ct);
        File.Move(temporary, file, overwrite: true);
        return new ArchiveResult(written, through, last, Convert.ToHexStringLower(lastHash!), file, after);
    }

    public static readonly string[] Header =
        ["seal_seq", "log_id", "course_id", "old_price", "new_price", "changed_at_utc", "changed_by", "source", "reason", "campaign_id", "prev_hash", "entry_hash"];

    private sealed record ArchivedRow(long SealSeq, int LogId, int CourseId, decimal? OldPrice, decimal? NewPrice, DateTimeOffset? ChangedAt,
        Guid? ChangedBy, string Source, string? Reason, int? CampaignId, byte[] PrevHash, byte[] EntryHash)
    {
        public string?[] ToFields() =>
        [
            Text(SealSeq), Text(LogId), Text(CourseId), Text(OldPrice), Text(NewPrice),
            ChangedAt?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
            ChangedBy?.ToString(), Source, Reason, Text(CampaignId), Convert.ToHexStringLower(PrevHash), Convert.ToHexStringLower(EntryHash),
        ];

        private static string? Text<T>(T value) => value is null ? null : Convert.ToString(value, CultureInfo.InvariantCulture);
    }
}
