using System.Diagnostics;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;
using TechCourse.Admin.Features.Home;
using TechCourse.Admin.Infrastructure.Database;
using TechCourse.Admin.Infrastructure.Reliability;
using TechCourse.Admin.Infrastructure.Time;

namespace TechCourse.Admin.Features.Audit;

// One per app instance: holds the single LISTEN connection (ConnectionStrings:TechCourseListen, reconnecting with
// backoff) and fans notifications out through AuditLiveFeed to the audit timelines and through HomeLive to the home pages; beside it, seals new log entries into the hash chain
// every second. Live means heard: every Database:ListenHeartbeatSeconds the listener sends a heartbeat NOTIFY through
// the runtime connection, as a write's trigger would, and the feed is live only while one came back within three
// heartbeats. A LISTEN that hears nothing (PgBouncer in transaction pooling hands its server session to others) is
// dropped and tried again later. Until the runtime connection is known to answer and accept writes (not a standby),
// nothing is written or listened for.
public sealed class AuditListener(NpgsqlDataSource dataSource, ListenDataSource listen, AuditLiveFeed feed, HomeLive home, AuditChain chain, DatabaseStatus status,
    IOptions<DatabaseOptions> options, ILogger<AuditListener> logger) : BackgroundService
{
    public const string Channel = "price_changes";
    public const string HomeChannel = "home_changes";
    public const string HeartbeatChannel = "techcourse_heartbeat";
    private static readonly TimeSpan SealInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private readonly string instance = Guid.NewGuid().ToString("N");
    private readonly TimeSpan heartbeat = TimeSpan.FromSeconds(options.Value.ListenHeartbeatSeconds);
    private long lastHeard;

    private TimeSpan LiveWindow => heartbeat * 3;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(ListenAsync(stoppingToken), SealAsync(stoppingToken));

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        var deafRounds = 0;
        await new BackgroundRetry(logger, "Listening for price-change notifications", MaxBackoff).RepeatAsync(async ct =>
        {
            await status.WaitUntilWritableAsync(ct);
            var listening = false;
            try
            {
                await using var connection = await listen.DataSource.OpenConnectionAsync(ct);
                connection.Notification += (_, e) => OnNotification(e.Channel, e.Payload);
                await using (var command = new NpgsqlCommand($"LISTEN {Channel}; LISTEN {HomeChannel}; LISTEN {HeartbeatChannel}", connection))
                    await command.ExecuteNonQueryAsync(ct);
                listening = true;
                long? firstSent = null;
                while (status.AcceptsWrites)
                {
                    if (await SendHeartbeatAsync(ct)) firstSent ??= Stopwatch.GetTimestamp();
                    await HearUntilAsync(connection, Stopwatch.GetTimestamp() + (long)(heartbeat.TotalSeconds * Stopwatch.Frequency), ct);
                    if (Heard())
                    {
                        if (deafRounds > 0 || !feed.IsLive) logger.LogInformation("Listening for price-change notifications");
                        deafRounds = 0;
                        SetLive(true);
                    }
                    else if (firstSent is { } sent && Stopwatch.GetElapsedTime(sent) > LiveWindow)
                    {
                        if (deafRounds++ == 0)
                            logger.LogWarning("No heartbeat came back on the listening connection within {Window}: live updates are off. Behind PgBouncer in transaction " +
                                "pooling, point ConnectionStrings:TechCourseListen at the server directly or at a session-pooled database", LiveWindow);
                        return TimeSpan.FromSeconds(Math.Min(MaxBackoff.TotalSeconds, LiveWindow.TotalSeconds * (1 << Math.Min(deafRounds, 4))));
                    }
                    else SetLive(false);
                }
                return TimeSpan.Zero;
            }
            catch (Exception e) when (listening && DatabaseErrors.IsTransient(e) && !ct.IsCancellationRequested)
            {
                // A connection lost after a while of listening: reconnect at once, backing off only if that fails.
                logger.LogWarning("Price-change listener lost its connection ({Error}); reconnecting", e.Message);
                return TimeSpan.Zero;
            }
            finally
            {
                SetLive(false);
            }
        }, stoppingToken);
    }

    // Npgsql's WaitAsync takes whole milliseconds and reads 0 as "wait forever": a remainder under a millisecond (a
    // timer that fires a little early, a notification just before the end) would park the listener until the next
    // notification, and with it the heartbeat that decides whether it is live.
    private static async Task HearUntilAsync(NpgsqlConnection connection, long until, CancellationToken ct)
    {
        while (true)
        {
            var left = Math.Ceiling(Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), until).TotalMilliseconds);
            if (left < 1) return;
            await connection.WaitAsync(TimeSpan.FromMilliseconds(left), ct);
        }
    }

    private bool Heard() => Stopwatch.GetElapsedTime(Interlocked.Read(ref lastHeard)) <= LiveWindow;

    // Notifications sent while nobody heard them are lost: open timelines read again once the feed is live again.
    private void SetLive(bool live)
    {
        if (live == feed.IsLive) return;
        feed.SetLive(live);
        feed.Publish(new AuditNotice(live ? AuditNoticeKind.Resync : AuditNoticeKind.LiveChanged));
        if (live) home.Changed();
    }

    // The listening connection is judged deaf only once a heartbeat was sent and a whole live window has passed since:
    // a slow or failed send (a busy pool, an outage) is not the listening connection's fault.
    private async Task<bool> SendHeartbeatAsync(CancellationToken ct)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_notify(@channel, @instance)", new { channel = HeartbeatChannel, instance }, cancellationToken: ct));
            return true;
        }
        catch (Exception e) when (!ct.IsCancellationRequested && (DatabaseErrors.IsTransient(e) || DatabaseErrors.IsReadOnly(e)))
        {
            // Not heard, so not live; the database monitor reports the outage.
            return false;
        }
    }

    private void OnNotification(string channel, string payload)
    {
        if (channel == HeartbeatChannel)
        {
            if (payload == instance) Interlocked.Exchange(ref lastHeard, Stopwatch.GetTimestamp());
            return;
        }
        home.Changed();
        if (channel != Channel) return;
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

    // On the whole second, like the sales folder (see there).
    private Task SealAsync(CancellationToken stoppingToken) =>
        new BackgroundRetry(logger, "Sealing new price changes into the audit chain", MaxBackoff).RepeatAsync(async ct =>
        {
            await status.WaitUntilWritableAsync(ct);
            var seal = await chain.SealAsync(ct);
            feed.SetSealed(seal);
            return seal.Sealed == AuditChain.SealBatch ? TimeSpan.Zero : Ticks.UntilNext(SealInterval);
        }, stoppingToken);
}
