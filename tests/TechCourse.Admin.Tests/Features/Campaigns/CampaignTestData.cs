using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using TechCourse.Admin.Features.Campaigns;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Features.Campaigns;

// People, courses and campaigns of one test, written as the owner; the code under test runs as the runtime role.
// Instead of waiting for a campaign's start or end, a test moves the campaign back in time (Due…Async).
public sealed class CampaignTestData(TestDatabase database)
{
    public PeopleAndCourses People { get; } = new(database);
    public CampaignPreviews Previews => new(People.Runtime);
    public CampaignsStore Store => new(People.Runtime);
    public CampaignSteps Steps => new(People.Runtime);

    public CampaignScheduler Scheduler(int workers = 2) =>
        new(Steps, Options.Create(new CampaignSettings { Workers = workers }), NullLogger<CampaignScheduler>.Instance);

    public Task<Actor> InstructorAsync() => People.StaffAsync(StaffRoles.Instructor);

    public Task<Actor> AdminAsync() => People.AdminAsync();

    public async Task<int[]> CoursesAsync(Actor instructor, params decimal[] prices)
    {
        var ids = new int[prices.Length];
        for (var i = 0; i < prices.Length; i++) ids[i] = await People.CourseAsync(instructor.UserId, prices[i]);
        return ids;
    }

    public Task<decimal> PriceAsync(int course) => People.ScalarAsync<decimal>("SELECT price FROM courses WHERE course_id = @course", new { course });

    public async Task<decimal[]> PricesAsync(params int[] courses)
    {
        var prices = new decimal[courses.Length];
        for (var i = 0; i < courses.Length; i++) prices[i] = await PriceAsync(courses[i]);
        return prices;
    }

    // A campaign scheduled through the store, an hour ahead (and ending an hour later unless endless).
    public async Task<int> ScheduleAsync(Actor actor, int[] courses, PriceOperation operation, string reason = "Spring sale", bool endless = false)
    {
        var start = DateTimeOffset.UtcNow.AddHours(1);
        var preview = await Previews.PreviewAsync(actor, CourseSelection.Of(courses), operation, start, endless ? null : start.AddHours(1), default);
        var result = await Store.ScheduleAsync(actor, preview, new CampaignPlan(reason, operation, "UTC", start, endless ? null : start.AddHours(1)), default);
        Assert.True(result.Succeeded, result.Message);
        return result.CampaignId!.Value;
    }

    // Moves the campaign back in time so that its start has just come.
    public Task StartDueAsync(int campaign) => ShiftAsync(campaign, "starts_at");

    // Moves the campaign back in time so that its end has just come.
    public Task EndDueAsync(int campaign) => ShiftAsync(campaign, "ends_at");

    private Task ShiftAsync(int campaign, string column) => People.ExecuteAsync($"""
        WITH shift AS (SELECT {column} - clock_timestamp() + interval '1 millisecond' AS by FROM price_campaigns WHERE campaign_id = @campaign)
        UPDATE price_campaigns c SET starts_at = c.starts_at - s.by, ends_at = c.ends_at - s.by, next_due_at = c.next_due_at - s.by
        FROM shift s WHERE c.campaign_id = @campaign;
        UPDATE price_campaign_courses i SET period = price_campaign_period(c.starts_at, c.ends_at)
        FROM price_campaigns c WHERE c.campaign_id = i.campaign_id AND i.campaign_id = @campaign;
        """, new { campaign });

    public Task<string> StateAsync(int campaign) => People.ScalarAsync<string>("SELECT state FROM price_campaigns WHERE campaign_id = @campaign", new { campaign });

    public async Task<IReadOnlyList<(int CourseId, string State, string? Reason)>> CourseStatesAsync(int campaign)
    {
        await using var owner = await database.DataSource.OpenConnectionAsync();
        return (await owner.QueryAsync<(int, string, string?)>(
            "SELECT course_id, state, outcome_reason FROM price_campaign_courses WHERE campaign_id = @campaign ORDER BY course_id", new { campaign })).AsList();
    }

    public async Task<IReadOnlyList<(int CourseId, decimal OldPrice, decimal NewPrice, Guid? ChangedBy, string Source, string? Reason, int? CampaignId)>> ChangesAsync(params int[] courses)
    {
        await using var owner = await database.DataSource.OpenConnectionAsync();
        return (await owner.QueryAsync<(int, decimal, decimal, Guid?, string, string?, int?)>("""
            SELECT course_id, old_price, new_price, changed_by, source, reason, campaign_id FROM price_changes
            WHERE course_id = ANY (@courses) ORDER BY log_id
            """, new { courses })).AsList();
    }

    // Runs scheduler rounds until none is due (at most a few), as one app instance would.
    public async Task RunDueStepsAsync(CampaignScheduler? scheduler = null)
    {
        scheduler ??= Scheduler();
        for (var i = 0; i < 5; i++)
            if (await scheduler.RoundAsync(default) > TimeSpan.Zero) return;
    }
}
