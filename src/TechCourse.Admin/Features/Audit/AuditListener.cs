using System.Text.Json;
using Npgsql;

namespace TechCourse.Admin.Features.Audit;

/// One per app instance: holds the single LISTEN connection (reconnecting with backoff) and fans notifications out
/// through AuditLiveFeed; beside it, seals new log entries into the hash chain every second.
public sealed class AuditListener(NpgsqlDataSource dataSource, AuditLiveFeed feed, AuditChain chain, ILogger<AuditListener> logger) : BackgroundService
{
    public const string Channel = "price_changes";
    private static readonly TimeSpan SealInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(ListenAsync(stoppingToken), SealAsync(stoppingToken));

    private async Task ListenAsync(CancellationToken ct)
    {
        var backoff = TimeSpan.FromMilliseconds(500);
        var everConnected = false;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(ct);
                connection.Notification += (_, e) => OnNotification(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                    await listen.ExecuteNonQueryAsync(ct);
                feed.SetListening(true);
                if (everConnected) feed.Publish(new AuditNotice(AuditNoticeKind.Resync));
                everConnected = true;
                backoff = TimeSpan.FromMilliseconds(500);
                logger.LogInformation("Listening for price-change notifications");
                while (!ct.IsCancellationRequested)
                {
                    if (!await connection.WaitAsync(TimeSpan.FromSeconds(15), ct))
                    {
                        await using var ping = new NpgsqlCommand("SELECT 1", connection);
                        await ping.ExecuteScalarAsync(ct);
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException or InvalidOperationException)
            {
                feed.SetListening(false);
                logger.LogWarning("Price-change listener lost its connection ({Error}); retrying in {Delay}", e.Message, backoff);
                try { await Task.Delay(backoff, ct); } catch (OperationCanceledException) { break; }
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
        feed.SetListening(false);
    }

    private void OnNotification(string payload)
    {
        try
        {
            using var json = JsonDocument.Parse(payload);
            var root = json.RootElement;
            feed.Publish(root.TryGetProperty("from_seq", out var from)
                ? new AuditNotice(AuditNoticeKind.Sealed, FromSeq: from.GetInt64(), ToSeq: root.GetProperty("to_seq").GetInt64())
                : new AuditNotice(AuditNoticeKind.Entry, root.GetProperty("id").GetInt32(), root.GetProperty("course_id").GetInt32()));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            logger.LogWarning("Ignored a malformed price-change notification: {Payload}", payload);
        }
    }

    private async Task SealAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var seal = await chain.SealAsync(ct);
                feed.SetSealed(seal);
                if (seal.Sealed == AuditChain.SealBatch) continue;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                logger.LogWarning("Sealing new price changes into the audit chain failed ({Error}); retrying", e.Message);
            }
            try { await Task.Delay(SealInterval, ct); } catch (OperationCanceledException) { break; }
        }
    }
}
