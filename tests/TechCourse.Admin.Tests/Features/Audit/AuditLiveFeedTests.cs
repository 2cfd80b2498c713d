using System.Threading.Channels;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using TechCourse.Admin.Features.Audit;
using TechCourse.Admin.Features.Home;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Features.Audit;

public sealed class AuditLiveFeedTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task A_subscriber_hears_of_a_change_made_in_the_app_and_of_one_made_with_plain_sql_within_two_seconds()
    {
        await using var live = await LiveAsync();
        var (instructor, course) = await AuditTestData.InstructorWithCourseAsync(database.DataSource);

        await AuditTestData.ChangePriceAsAsync(database.DataSource, new Actor(instructor, "ada@techcourse.com", StaffRoles.Instructor), course, 45m, "Spring sale");
        var fromApp = await NextAsync(live.Received, TimeSpan.FromSeconds(2));
        await using (var connection = await database.DataSource.OpenConnectionAsync())
            await connection.ExecuteAsync("UPDATE courses SET price = 47 WHERE course_id = @course", new { course });
        var fromSql = await NextAsync(live.Received, TimeSpan.FromSeconds(2));

        await using var check = await database.DataSource.OpenConnectionAsync();
        var seqs = (await check.QueryAsync<long>("SELECT seal_seq FROM price_changes WHERE course_id = @course ORDER BY log_id", new { course })).ToArray();
        Assert.Equal(AuditNoticeKind.Sealed, fromApp.Kind);
        Assert.InRange(seqs[0], fromApp.FromSeq, fromApp.ToSeq);
        Assert.Equal(AuditNoticeKind.Sealed, fromSql.Kind);
        Assert.InRange(seqs[1], fromSql.FromSeq, fromSql.ToSeq);
    }

    [Fact]
    public async Task With_notify_each_on_the_trigger_announces_the_new_entry_and_its_course_at_once()
    {
        await using var live = await LiveAsync();
        var (_, course) = await AuditTestData.InstructorWithCourseAsync(database.DataSource);

        await using (var connection = await database.DataSource.OpenConnectionAsync())
            await connection.ExecuteAsync("SET techcourse.audit_notify_each = 'on'; UPDATE courses SET price = 48 WHERE course_id = @course; RESET techcourse.audit_notify_each", new { course });
        var notice = await NextAsync(live.Received, TimeSpan.FromSeconds(2));

        await using var check = await database.DataSource.OpenConnectionAsync();
        var logId = await check.QuerySingleAsync<int>("SELECT log_id FROM price_changes WHERE course_id = @course", new { course });
        Assert.Equal((AuditNoticeKind.Entry, logId, course), (notice.Kind, notice.LogId, notice.CourseId));
    }

    [Fact]
    public async Task The_listener_keeps_sending_its_heartbeat_round_after_round_while_notifications_come_and_go()
    {
        await using var heartbeats = await database.DataSource.OpenConnectionAsync();
        var heard = 0;
        heartbeats.Notification += (_, _) => Interlocked.Increment(ref heard);
        await heartbeats.ExecuteAsync($"LISTEN {AuditListener.HeartbeatChannel}");
        var feed = new AuditLiveFeed(NullLogger<AuditLiveFeed>.Instance);
        using var listener = AuditTestData.Listener(database.DataSource, feed, heartbeatSeconds: 0.2);
        await listener.StartAsync(CancellationToken.None);
        var (_, course) = await AuditTestData.InstructorWithCourseAsync(database.DataSource);

        for (var price = 60; price < 80; price++)
        {
            await using (var connection = await database.DataSource.OpenConnectionAsync())
                await connection.ExecuteAsync("UPDATE courses SET price = @price WHERE course_id = @course", new { price, course });
            await heartbeats.WaitAsync(TimeSpan.FromMilliseconds(100));
        }
        // Then nothing but the heartbeat: a listener parked on its connection would never send another.
        var afterUpdates = Volatile.Read(ref heard);
        await Eventually.WaitForAsync(async () => { await heartbeats.WaitAsync(TimeSpan.FromMilliseconds(100)); return Volatile.Read(ref heard) >= afterUpdates + 10; },
            TimeSpan.FromSeconds(30), "ten more heartbeats once the updates stopped");
        var live = feed.IsLive;
        await listener.StopAsync(CancellationToken.None);

        Assert.True(live, "the feed was not live while its heartbeats were being heard");
    }

    [Fact]
    public async Task An_unsubscribed_timeline_gets_nothing_more()
    {
        var feed = new AuditLiveFeed(NullLogger<AuditLiveFeed>.Instance);
        var count = 0;
        var subscription = feed.Subscribe(_ => { Interlocked.Increment(ref count); return Task.CompletedTask; });
        feed.Publish(new AuditNotice(AuditNoticeKind.Entry, 1, 1));
        subscription.Dispose();

        feed.Publish(new AuditNotice(AuditNoticeKind.Entry, 2, 1));

        Assert.Equal((1, 0), (count, feed.SubscriberCount));
    }

    private static async Task<AuditNotice> NextAsync(Channel<AuditNotice> channel, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        return await channel.Reader.ReadAsync(timeout.Token);
    }

    // A listener (with its sealer) on the class's database; waits until it listens and has passed on everything said
    // so far: notifications arrive in order, so once a marker sent after the seal arrives, the seal's has too.
    private async Task<Live> LiveAsync()
    {
        var feed = new AuditLiveFeed(NullLogger<AuditLiveFeed>.Instance);
        var received = Channel.CreateUnbounded<AuditNotice>();
        var listener = AuditTestData.Listener(database.DataSource, feed);
        await listener.StartAsync(CancellationToken.None);
        await Eventually.WaitForAsync(() => feed.IsLive, TimeSpan.FromSeconds(30), "the listener to hear its heartbeat");
        await new AuditChain(database.DataSource).SealAsync(CancellationToken.None);
        var marker = TaskCompletionSourceFor(feed, out var draining);
        await using (var connection = await database.DataSource.OpenConnectionAsync())
            await connection.ExecuteAsync("SELECT pg_notify(@channel, '{\"id\": -1, \"course_id\": -1}')", new { channel = AuditListener.Channel });
        await marker.WaitAsync(TimeSpan.FromSeconds(30));
        draining.Dispose();
        var subscription = feed.Subscribe(notice => received.Writer.WriteAsync(notice).AsTask());
        return new Live(listener, subscription, received);
    }

    private static Task TaskCompletionSourceFor(AuditLiveFeed feed, out IDisposable subscription)
    {
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        subscription = feed.Subscribe(notice =>
        {
            if (notice is { Kind: AuditNoticeKind.Entry, LogId: -1 }) arrived.TrySetResult();
            return Task.CompletedTask;
        });
        return arrived.Task;
    }

    private sealed record Live(AuditListener Listener, IDisposable Subscription, Channel<AuditNotice> Received) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Subscription.Dispose();
            await Listener.StopAsync(CancellationToken.None);
            Listener.Dispose();
        }
    }
}
