using System.Text.Json;
using Npgsql;
using TechCourse.Admin.Infrastructure.Database;
using TechCourse.Admin.Infrastructure.Reliability;

namespace TechCourse.Admin.Features.Audit;

// One per app instance: holds the single LISTEN connection (reconnecting with backoff) and fans notifications out
// through AuditLiveFeed; beside it, seals new log entries into the hash chain every second.
public sealed class AuditListener(NpgsqlDataSource dataSource, AuditLiveFeed feed, AuditChain chain, ILogger<AuditListener> logger) : BackgroundService
{
    public const string Channel = "price_changes";
    private static readonly TimeSpan SealInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(ListenAsync(stoppingToken), SealAsync(stoppingToken));

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        var everConnected = false;
        await new BackgroundRetry(logger, "Listening for price-change notifications", MaxBackoff).RepeatAsync(async ct =>
        {
            var listening = false;
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(ct);
                connection.Notification += (_, e) => OnNotification(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                    await listen.ExecuteNonQueryAsync(ct);
                feed.SetListening(true);
                // Notifications sent while the connection was down are lost: open timelines read again.
                if (everConnected) feed.Publish(new AuditNotice(AuditNoticeKind.Resync));
                everConnected = listening = true;
                logger.LogInformation("Listening for price-change notifications");
                while (true)
                {
                    if (!await connection.WaitAsync(TimeSpan.FromSeconds(15), ct))
                    {
                        await using var ping = new NpgsqlCommand("SELECT 1", connection);
                        await ping.ExecuteScalarAsync(ct);
                    }
                }
            }
            catch (Exception e) when (listening && DatabaseErrors.IsTransient(e) && !ct.IsCancellationRequested)
            {
                // A connection lost after a while of listening: reconnect at once, backing off only if that fails.
                logger.LogWarning("Price-change listener lost its connection ({Error}); reconnecting", e.Message);
                return TimeSpan.Zero;
            }
            finally
            {
                feed.SetListening(false);
            }
        }, stoppingToken);
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

    private Task SealAsync(CancellationToken stoppingToken) =>
        new BackgroundRetry(logger, "Sealing new price changes into the audit chain", MaxBackoff).RepeatAsync(async ct =>
        {
            var seal = await chain.SealAsync(ct);
            feed.SetSealed(seal);
            return seal.Sealed == AuditChain.SealBatch ? TimeSpan.Zero : SealInterval;
        }, stoppingToken);
}
