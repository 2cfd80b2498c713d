using System.Diagnostics;
using Dapper;
using Npgsql;

namespace TechCourse.Admin.Features.Audit;

public sealed record SealResult(int Sealed, long SealedUpTo, long Unsealed);

public sealed record ChainBreak(long SealSeq, int LogId, string Problem);

public sealed record ChainVerification(long Checked, long AnchorSeq, long SealedUpTo, string? HeadHash, long Unsealed, ChainBreak? FirstBreak, TimeSpan Elapsed)
{
    public bool Intact => FirstBreak is null;
}

// The hash chain over price_changes: sealing new entries into it and walking it to find the first broken link.
public sealed class AuditChain(NpgsqlDataSource dataSource)
{
    public const int SealBatch = 50_000;

    public async Task<SealResult> SealAsync(CancellationToken ct, int? limit = SealBatch)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await SealAsync(connection, limit, ct);
    }

    internal static Task<SealResult> SealAsync(NpgsqlConnection connection, int? limit, CancellationToken ct) =>
        connection.QuerySingleAsync<SealResult>(new CommandDefinition(
            "SELECT sealed, sealed_up_to, unsealed FROM seal_price_changes(@limit)", new { limit }, commandTimeout: 0, cancellationToken: ct));

    // Seals what has committed (unless seal is false: a standby cannot), then recomputes every sealed entry's hash from
    // its content and the previous link.
    public async Task<ChainVerification> VerifyAsync(CancellationToken ct, bool seal = true)
    {
        var clock = Stopwatch.StartNew();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        if (!seal) return await VerifyAsync(connection, await UnsealedAsync(connection, ct), clock, ct);
        SealResult sealing;
        do sealing = await SealAsync(connection, SealBatch, ct);
        while (sealing.Sealed == SealBatch);
        var result = await VerifyAsync(connection, sealing.Unsealed, clock, ct);
        await RecordAsync(connection, result, ct);
        return result;
    }

    // The admin home page's system health shows the latest verification and its outcome.
    private static Task RecordAsync(NpgsqlConnection connection, ChainVerification result, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition("SELECT audit_verification_record(@ok, @detail)", new
        {
            ok = result.Intact,
            detail = result.Intact
                ? $"{result.Checked} entries intact up to #{result.SealedUpTo}"
                : $"broken at #{result.FirstBreak!.SealSeq} (log entry {result.FirstBreak.LogId}): {result.FirstBreak.Problem}",
        }, cancellationToken: ct));

    private static Task<long> UnsealedAsync(NpgsqlConnection connection, CancellationToken ct) =>
        connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT count(*) FROM price_changes WHERE seal_seq IS NULL", cancellationToken: ct));

    internal static async Task<ChainVerification> VerifyAsync(NpgsqlConnection connection, long unsealed, Stopwatch clock, CancellationToken ct, NpgsqlTransaction? transaction = null)
    {
        var summary = await connection.QuerySingleAsync<(long Checked, long AnchorSeq, byte[] AnchorHash, long? SealedUpTo, byte[]? HeadHash)>(new CommandDefinition("""
            SELECT (SELECT count(*) FROM price_changes WHERE seal_seq IS NOT NULL),
                   a.anchor_seq, a.anchor_hash,
                   (SELECT max(seal_seq) FROM price_changes),
                   (SELECT entry_hash FROM price_changes WHERE seal_seq IS NOT NULL ORDER BY seal_seq DESC LIMIT 1)
            FROM price_change_chain_anchor a
            """, transaction: transaction, cancellationToken: ct));
        var broken = await FirstBreakAsync(connection, summary.AnchorSeq, summary.AnchorHash, transaction, ct);
        return new ChainVerification(summary.Checked, summary.AnchorSeq, summary.SealedUpTo ?? summary.AnchorSeq,
            summary.HeadHash is null ? null : Convert.ToHexStringLower(summary.HeadHash), unsealed, broken, clock.Elapsed);
    }

    // The first sealed entry after fromSeq whose sequence, link or content is wrong, starting from the link fromHash (the
    // chain's anchor for a whole walk, a checkpoint's head for the entries sealed since).
    internal static Task<ChainBreak?> FirstBreakAsync(NpgsqlConnection connection, long fromSeq, byte[] fromHash, NpgsqlTransaction? transaction, CancellationToken ct) =>
        connection.QueryFirstOrDefaultAsync<ChainBreak>(new CommandDefinition("""
            WITH chain AS (
                SELECT p.seal_seq, p.log_id, p.prev_hash, p.entry_hash,
                       price_change_hash(p.prev_hash, p.log_id, p.course_id, p.old_price, p.new_price, p.changed_at,
                                         p.changed_by, p.source, p.reason, p.campaign_id) AS recomputed,
                       lag(p.entry_hash) OVER w AS previous_hash,
                       lag(p.seal_seq) OVER w AS previous_seq
                FROM price_changes p
                WHERE p.seal_seq > @fromSeq
                WINDOW w AS (ORDER BY p.seal_seq))
            SELECT c.seal_seq, c.log_id,
                   CASE WHEN c.seal_seq <> coalesce(c.previous_seq, @fromSeq) + 1
                            THEN 'entries before this one are missing from the chain (deleted?)'
                        WHEN c.prev_hash IS DISTINCT FROM coalesce(c.previous_hash, @fromHash)
                            THEN 'does not link to the entry before it (that entry or this link was rewritten)'
                        ELSE 'its content no longer matches its hash (the entry was edited)' END AS problem
            FROM chain c
            WHERE c.seal_seq <> coalesce(c.previous_seq, @fromSeq) + 1
               OR c.prev_hash IS DISTINCT FROM coalesce(c.previous_hash, @fromHash)
               OR c.recomputed IS DISTINCT FROM c.entry_hash
            ORDER BY c.seal_seq
            LIMIT 1
            """, new { fromSeq, fromHash }, transaction, commandTimeout: 0, cancellationToken: ct));
}
