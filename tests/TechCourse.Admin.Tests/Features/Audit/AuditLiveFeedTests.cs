using System.Threading.Channels;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using TechCourse.Admin.Features.Audit;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Features.Audit;

public sealed class AuditLiveFeedTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task A_subscriber_hears_of_a_change_made_in_the_app_and_of_one_made_with_plain_sql()
    {
        var feed = new AuditLiveFeed(NullLogger<AuditLiveFeed>.Instance);
        var received = Channel.CreateUnbounded<AuditNotice>();
        using var subscription = feed.Subscribe(notice => received.Writer.WriteAsync(notice).AsTask());
        using var listener = new AuditListener(database.DataSource, feed, new AuditChain(database.DataSource), NullLogger<AuditListener>.Instance);
        await listener.StartAsync(CancellationToken.None);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while (!feed.IsListening && DateTime.UtcNow < deadline) await Task.Delay(50);
            var (instructor, course) = await AuditTestData.InstructorWithCourseAsync(database.DataSource);

            await AuditTestData.ChangePriceAsAsync(database.DataSource, new Actor(instructor, "ada@techcourse.com", StaffRoles.Instructor), course, 45m, "Spring sale");
            var fromApp = await NextAsync(received);
            await using (var connection = await database.DataSource.OpenConnectionAsync())
                await connection.ExecuteAsync("UPDATE courses SET price = 47 WHERE course_id = @course", new { course });
            var fromSql = await NextAsync(received);

            await using var check = await database.DataSource.OpenConnectionAsync();
            var ids = (await check.QueryAsync<int>("SELECT log_id FROM price_changes WHERE course_id = @course ORDER BY log_id", new { course })).ToArray();
            Assert.Equal((AuditNoticeKind.Entry, ids[0], course), (fromApp.Kind, fromApp.LogId, fromApp.CourseId));
            Assert.Equal((AuditNoticeKind.Entry, ids[1], course), (fromSql.Kind, fromSql.LogId, fromSql.CourseId));
        }
        finally
        {
            await listener.StopAsync(CancellationToken.None);
        }
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

    private static async Task<AuditNotice> NextAsync(Channel<AuditNotice> channel)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        return await channel.Reader.ReadAsync(timeout.Token);
    }
}
