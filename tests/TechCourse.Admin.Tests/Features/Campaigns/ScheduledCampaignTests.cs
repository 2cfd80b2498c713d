using Dapper;
using Npgsql;
using TechCourse.Admin.Features.Campaigns;
using TechCourse.Admin.Features.Courses;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Infrastructure.Time;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Features.Campaigns;

// Scheduled campaigns: applied at their start and reverted at their end by the scheduler, exactly once, as the user
// who scheduled them with that user's rights at that moment.
public sealed class ScheduledCampaignTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private readonly CampaignTestData data = new(database.Database);
    private static readonly PriceOperation TwentyOff = new(PriceOperationKind.Percent, -20m);

    [Fact]
    public async Task At_its_start_the_scheduler_applies_the_campaign_as_its_creator_with_source_schedule_and_at_its_end_returns_each_price()
    {
        var ada = await data.InstructorAsync();
        var courses = await data.CoursesAsync(ada, 50m, 20m);
        var campaign = await data.ScheduleAsync(ada, courses, TwentyOff, "Spring sale");

        await data.RunDueStepsAsync();
        Assert.Equal([50m, 20m], await data.PricesAsync(courses));
        await data.StartDueAsync(campaign);
        await data.RunDueStepsAsync();
        Assert.Equal([40m, 16m], await data.PricesAsync(courses));
        Assert.Equal("active", await data.StateAsync(campaign));
        await data.EndDueAsync(campaign);
        await data.RunDueStepsAsync();

        Assert.Equal([50m, 20m], await data.PricesAsync(courses));
        Assert.Equal("finished", await data.StateAsync(campaign));
        var changes = await data.ChangesAsync(courses);
        Assert.Equal(4, changes.Count);
        Assert.All(changes, c => Assert.Equal((ada.UserId, "schedule", "Spring sale", (int?)campaign), (c.ChangedBy!.Value, c.Source, c.Reason, c.CampaignId)));
        Assert.All(await data.CourseStatesAsync(campaign), c => Assert.Equal("reverted", c.State));
        Assert.Equal(0L, await data.People.ScalarAsync<long>("SELECT count(*) FROM sessions WHERE campaign_id = @campaign AND ended_at IS NULL", new { campaign }));
    }

    [Fact]
    public async Task Two_schedulers_racing_apply_and_revert_each_change_exactly_once()
    {
        var ada = await data.InstructorAsync();
        var campaigns = new List<int>();
        var courses = new List<int>();
        var prices = new List<decimal>();
        for (var i = 0; i < 12; i++)
        {
            decimal[] before = [10m + i, 30m + i, 50m + i];
            prices.AddRange(before);
            var mine = await data.CoursesAsync(ada, before);
            courses.AddRange(mine);
            campaigns.Add(await data.ScheduleAsync(ada, mine, TwentyOff, $"Race {i}"));
        }
        foreach (var campaign in campaigns) await data.StartDueAsync(campaign);

        await Task.WhenAll(Task.Run(() => data.RunDueStepsAsync(data.Scheduler(workers: 3))), Task.Run(() => data.RunDueStepsAsync(data.Scheduler(workers: 3))));
        foreach (var campaign in campaigns) await data.EndDueAsync(campaign);
        await Task.WhenAll(Task.Run(() => data.RunDueStepsAsync(data.Scheduler(workers: 3))), Task.Run(() => data.RunDueStepsAsync(data.Scheduler(workers: 3))));

        var changes = await data.ChangesAsync([.. courses]);
        Assert.Equal(courses.Count * 2, changes.Count);
        Assert.All(changes.GroupBy(c => c.CourseId), g => Assert.Equal(2, g.Count()));
        Assert.All(changes, c => Assert.Equal((ada.UserId, "schedule"), (c.ChangedBy!.Value, c.Source)));
        Assert.Equal(prices, await data.PricesAsync([.. courses]));
        Assert.Equal(0L, await data.People.ScalarAsync<long>("SELECT count(*) FROM price_campaigns WHERE campaign_id = ANY (@campaigns) AND state <> 'finished'", new { campaigns }));
    }

    [Fact]
    public async Task Steps_run_together_commit_together_and_a_step_the_database_refuses_is_undone_alone_and_runs_on_a_later_round()
    {
        var ada = await data.InstructorAsync();
        var refused = await data.CoursesAsync(ada, 10m, 20m);
        var fine = await data.CoursesAsync(ada, 30m);
        var bad = await data.ScheduleAsync(ada, refused, TwentyOff, "Refused");
        var good = await data.ScheduleAsync(ada, fine, TwentyOff, "Applied");
        await data.StartDueAsync(bad);
        await data.StartDueAsync(good);
        // A rule the first campaign's second course breaks half-way through that campaign's step.
        var rule = $"test_refuses_{refused[1]}";
        await data.People.ExecuteAsync($"ALTER TABLE courses ADD CONSTRAINT {rule} CHECK (course_id <> {refused[1]} OR price = 20) NOT VALID");
        IReadOnlyList<CampaignStepOutcome> outcomes;
        try
        {
            outcomes = await data.Steps.RunAsync([bad, good], default);
        }
        finally
        {
            await data.People.ExecuteAsync($"ALTER TABLE courses DROP CONSTRAINT {rule}");
        }

        Assert.Equal((bad, "23514"), (outcomes[0].CampaignId, outcomes[0].Error?.SqlState));
        Assert.Equal((good, "apply"), (outcomes[1].CampaignId, outcomes[1].Step?.Step));
        Assert.Equal([10m, 20m], await data.PricesAsync(refused));
        Assert.Empty(await data.ChangesAsync(refused));
        Assert.Equal("scheduled", await data.StateAsync(bad));
        Assert.Equal([24m], await data.PricesAsync(fine));
        Assert.Equal("active", await data.StateAsync(good));

        await data.RunDueStepsAsync();

        Assert.Equal([8m, 16m], await data.PricesAsync(refused));
        Assert.Equal("active", await data.StateAsync(bad));
    }

    [Fact]
    public async Task A_crash_in_the_middle_of_a_campaigns_start_leaves_nothing_applied_and_a_later_round_applies_all_of_it()
    {
        var ada = await data.InstructorAsync();
        var courses = await data.CoursesAsync(ada, 10m, 20m, 30m, 40m);
        var campaign = await data.ScheduleAsync(ada, courses, TwentyOff);
        await data.StartDueAsync(campaign);

        // Another transaction holds the third course, so the step stops in the middle of its UPDATE; then its
        // connection is killed, as a crash of the app (or of its host) would.
        await using (var holder = await database.DataSource.OpenConnectionAsync())
        {
            await using var hold = await holder.BeginTransactionAsync();
            await holder.ExecuteAsync("SELECT 1 FROM courses WHERE course_id = @course FOR UPDATE", new { course = courses[2] }, hold);
            var step = Task.Run(() => data.Steps.RunAsync(campaign, default));
            var backend = await WaitForBlockedStepAsync();
            Assert.True(await data.People.ScalarAsync<bool>("SELECT pg_terminate_backend(@backend)", new { backend }));
            await Assert.ThrowsAnyAsync<Exception>(() => step);
            await hold.RollbackAsync();
        }
        NpgsqlConnection.ClearAllPools();

        Assert.Equal([10m, 20m, 30m, 40m], await data.PricesAsync(courses));
        Assert.Empty(await data.ChangesAsync(courses));
        Assert.Equal("scheduled", await data.StateAsync(campaign));
        Assert.All(await data.CourseStatesAsync(campaign), c => Assert.Equal("pending", c.State));

        await data.RunDueStepsAsync();

        Assert.Equal([8m, 16m, 24m, 32m], await data.PricesAsync(courses));
        Assert.Equal(4, (await data.ChangesAsync(courses)).Count);
        Assert.Equal("active", await data.StateAsync(campaign));
    }

    private async Task<int> WaitForBlockedStepAsync()
    {
        int? backend = null;
        await Eventually.WaitForAsync(async () => (backend = await data.People.ScalarAsync<int?>("""
            SELECT pid FROM pg_stat_activity WHERE query LIKE '%price_campaign_run%' AND wait_event_type = 'Lock' AND pid <> pg_backend_pid() LIMIT 1
            """)) is not null, TimeSpan.FromSeconds(30), "the campaign's step to wait for the held course");
        return backend!.Value;
    }

    [Fact]
    public async Task At_the_end_a_course_changed_by_hand_during_the_campaign_keeps_its_price_and_is_flagged()
    {
        var ada = await data.InstructorAsync();
        var courses = await data.CoursesAsync(ada, 50m, 20m);
        var campaign = await data.ScheduleAsync(ada, courses, TwentyOff);
        await data.StartDueAsync(campaign);
        await data.RunDueStepsAsync();
        Assert.True((await new CoursesStore(data.People.Runtime).UpdatePriceAsync(ada, courses[1], 16m, 18m, "by hand", default)).Succeeded);

        await data.EndDueAsync(campaign);
        await data.RunDueStepsAsync();

        Assert.Equal([50m, 18m], await data.PricesAsync(courses));
        Assert.Equal([(courses[0], "reverted", (string?)null), (courses[1], "kept", "changed_meanwhile")], await data.CourseStatesAsync(campaign));
        Assert.Equal(18m, await data.People.ScalarAsync<decimal>("SELECT found_price FROM price_campaign_courses WHERE campaign_id = @campaign AND course_id = @course", new { campaign, course = courses[1] }));
    }

    [Fact]
    public async Task Rights_are_those_of_the_moment_a_step_runs_a_demoted_instructor_gets_nothing_applied_and_the_campaign_says_why()
    {
        var ada = await data.InstructorAsync();
        var courses = await data.CoursesAsync(ada, 50m, 20m);
        var campaign = await data.ScheduleAsync(ada, courses, TwentyOff);
        await data.People.ExecuteAsync("UPDATE users SET role = 'Accounting' WHERE user_id = @id", new { id = ada.UserId });

        await data.StartDueAsync(campaign);
        await data.RunDueStepsAsync();

        Assert.Equal([50m, 20m], await data.PricesAsync(courses));
        Assert.Empty(await data.ChangesAsync(courses));
        Assert.All(await data.CourseStatesAsync(campaign), c => Assert.Equal(("skipped", "role"), (c.State, c.Reason)));
        Assert.Equal("Accounting", await data.People.ScalarAsync<string>("SELECT DISTINCT found_role FROM price_campaign_courses WHERE campaign_id = @campaign", new { campaign }));
        Assert.Equal("finished", await data.StateAsync(campaign));
    }

    [Fact]
    public async Task A_course_that_is_no_longer_the_instructors_when_the_campaign_starts_is_skipped_and_the_others_applied()
    {
        var ada = await data.InstructorAsync();
        var bob = await data.InstructorAsync();
        var courses = await data.CoursesAsync(ada, 50m, 20m);
        var campaign = await data.ScheduleAsync(ada, courses, TwentyOff);
        await data.People.ExecuteAsync("UPDATE courses SET instructor_id = @bob WHERE course_id = @course", new { bob = bob.UserId, course = courses[1] });

        await data.StartDueAsync(campaign);
        await data.RunDueStepsAsync();

        Assert.Equal([40m, 20m], await data.PricesAsync(courses));
        Assert.Equal([(courses[0], "applied", (string?)null), (courses[1], "skipped", "not_owner")], await data.CourseStatesAsync(campaign));
    }

    [Fact]
    public async Task An_overlapping_campaign_on_the_same_course_is_refused_with_a_message_naming_the_other()
    {
        var ada = await data.InstructorAsync();
        var courses = await data.CoursesAsync(ada, 50m, 20m);
        var first = await data.ScheduleAsync(ada, courses, TwentyOff, "Spring sale");
        var start = DateTimeOffset.UtcNow.AddHours(1.5);
        var preview = await data.Previews.PreviewAsync(ada, CourseSelection.Of(courses[1]), TwentyOff, start, start.AddHours(1), default);
        Assert.Equal(first, preview.Rows.Single().Other?.CampaignId);

        var forced = preview with { Rows = [preview.Rows.Single() with { Outcome = PreviewOutcome.Changes }] };
        var result = await data.Store.ScheduleAsync(ada, forced, new CampaignPlan("Overlap", TwentyOff, "UTC", start, start.AddHours(1)), default);

        Assert.Equal(CampaignOutcome.Overlap, result.Outcome);
        Assert.Contains($"campaign #{first} “Spring sale”", result.Message, StringComparison.Ordinal);
        Assert.Equal(1L, await data.People.ScalarAsync<long>("SELECT count(*) FROM price_campaigns WHERE created_by = @id", new { id = ada.UserId }));
    }

    [Fact]
    public async Task A_campaign_that_starts_when_another_on_the_same_course_ends_runs_after_that_end_even_when_both_are_overdue()
    {
        var ada = await data.InstructorAsync();
        var course = (await data.CoursesAsync(ada, 100m))[0];
        var first = await data.ScheduleAsync(ada, [course], TwentyOff, "First");
        var start = await data.People.ScalarAsync<DateTimeOffset>("SELECT ends_at FROM price_campaigns WHERE campaign_id = @first", new { first });
        var preview = await data.Previews.PreviewAsync(ada, CourseSelection.Of(course), new PriceOperation(PriceOperationKind.Percent, -50m), start, start.AddHours(1), default);
        var second = await data.Store.ScheduleAsync(ada, preview, new CampaignPlan("Second", preview.Operation, "UTC", start, start.AddHours(1)), default);
        Assert.True(second.Succeeded, second.Message);
        await data.People.ExecuteAsync("""
            UPDATE price_campaigns SET starts_at = starts_at - interval '3 hours', ends_at = ends_at - interval '3 hours', next_due_at = next_due_at - interval '3 hours'
            WHERE campaign_id = ANY (@ids);
            UPDATE price_campaign_courses i SET period = price_campaign_period(c.starts_at, c.ends_at) FROM price_campaigns c
            WHERE c.campaign_id = i.campaign_id AND i.campaign_id = ANY (@ids);
            """, new { ids = new[] { first, second.CampaignId!.Value } });

        await data.RunDueStepsAsync();

        var changes = await data.ChangesAsync(course);
        Assert.Equal([(100m, 80m), (80m, 100m), (100m, 50m), (50m, 100m)], changes.Select(c => (c.OldPrice, c.NewPrice)));
        Assert.Equal(100m, await data.PriceAsync(course));
    }

    [Fact]
    public async Task Ending_early_reverts_now_with_the_rights_of_whoever_ends_it()
    {
        var ada = await data.InstructorAsync();
        var admin = await data.AdminAsync();
        var courses = await data.CoursesAsync(ada, 50m, 20m);
        var campaign = await data.ScheduleAsync(ada, courses, TwentyOff);
        await data.StartDueAsync(campaign);
        await data.RunDueStepsAsync();
        await data.People.ExecuteAsync("UPDATE users SET role = 'Accounting' WHERE user_id = @id", new { id = ada.UserId });

        var result = await data.Store.EndNowAsync(admin, campaign, default);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal([50m, 20m], await data.PricesAsync(courses));
        Assert.Equal("finished", await data.StateAsync(campaign));
        Assert.Equal(admin.UserId, await data.People.ScalarAsync<Guid>("SELECT ended_early_by FROM price_campaigns WHERE campaign_id = @campaign", new { campaign }));
        Assert.All((await data.ChangesAsync(courses)).Where(c => c.NewPrice is 50m or 20m), c => Assert.Equal((admin.UserId, "app"), (c.ChangedBy!.Value, c.Source)));
    }

    [Fact]
    public async Task An_upcoming_campaign_can_be_edited_and_cancelled_but_a_started_one_only_ended()
    {
        var ada = await data.InstructorAsync();
        var courses = await data.CoursesAsync(ada, 50m, 20m, 30m);
        var campaign = await data.ScheduleAsync(ada, courses[..2], TwentyOff);
        var version = await data.People.ScalarAsync<string>("SELECT xmin::text FROM price_campaigns WHERE campaign_id = @campaign", new { campaign });
        var start = DateTimeOffset.UtcNow.AddHours(3);
        var preview = await data.Previews.PreviewAsync(ada, CourseSelection.Of(courses[1..]), TwentyOff, start, null, default, editing: campaign);

        var edited = await data.Store.RescheduleAsync(ada, campaign, version, preview, new CampaignPlan("Renamed", TwentyOff, "UTC", start, null), default);
        var stale = await data.Store.RescheduleAsync(ada, campaign, version, preview, new CampaignPlan("Again", TwentyOff, "UTC", start, null), default);

        Assert.True(edited.Succeeded, edited.Message);
        Assert.Equal(CampaignOutcome.Stale, stale.Outcome);
        Assert.Equal([courses[1], courses[2]], (await data.CourseStatesAsync(campaign)).Select(c => c.CourseId));
        await data.StartDueAsync(campaign);
        await data.RunDueStepsAsync();
        Assert.Equal(CampaignOutcome.Started, (await data.Store.CancelAsync(ada, campaign, null, default)).Outcome);
        Assert.Equal("finished", await data.StateAsync(campaign));

        var another = await data.ScheduleAsync(ada, [courses[0]], TwentyOff);
        Assert.True((await data.Store.CancelAsync(ada, another, null, default)).Succeeded);
        await data.StartDueAsync(another);
        await data.RunDueStepsAsync();
        Assert.Equal(("cancelled", 50m), (await data.StateAsync(another), await data.PriceAsync(courses[0])));
    }

    [Fact]
    public async Task The_two_01_30s_of_the_night_the_clocks_go_back_are_two_instants_an_hour_apart_and_each_is_stored_as_picked()
    {
        var ada = await data.InstructorAsync();
        var course = (await data.CoursesAsync(ada, 50m))[0];
        var night = new DateTime(2027, 11, 7, 1, 30, 0);
        var unasked = new CampaignTiming(night, null, "America/New_York").Resolve(DateTimeOffset.UtcNow);
        Assert.Null(unasked.StartsAt);
        Assert.IsType<LocalResolution.Twice>(unasked.Start);

        var ids = new List<int>();
        foreach (var choice in new[] { RepeatedTime.Earlier, RepeatedTime.Later })
        {
            var times = new CampaignTiming(night, null, "America/New_York", choice).Resolve(DateTimeOffset.UtcNow);
            var preview = await data.Previews.PreviewAsync(ada, CourseSelection.Of(course), TwentyOff, times.StartsAt, null, default);
            var result = await data.Store.ScheduleAsync(ada, preview, new CampaignPlan($"DST {choice}", TwentyOff, "America/New_York", times.StartsAt, null), default);
            Assert.True(result.Succeeded, result.Message);
            ids.Add(result.CampaignId!.Value);
        }

        await using var connection = await data.People.Runtime.OpenConnectionAsync();
        var stored = await connection.QueryAsync<DateTimeOffset>("SELECT starts_at FROM price_campaigns WHERE campaign_id = ANY (@ids) ORDER BY starts_at", new { ids });
        Assert.Equal([new DateTimeOffset(2027, 11, 7, 5, 30, 0, TimeSpan.Zero), new DateTimeOffset(2027, 11, 7, 6, 30, 0, TimeSpan.Zero)], stored);
    }

    [Fact]
    public async Task A_start_in_the_hour_the_clocks_skip_is_refused_before_anything_is_stored_and_the_suggested_time_is_stored_exactly()
    {
        var ada = await data.InstructorAsync();
        var course = (await data.CoursesAsync(ada, 50m))[0];

        var gap = new CampaignTiming(new DateTime(2027, 3, 14, 2, 30, 0), null, "America/New_York", RepeatedTime.Later).Resolve(DateTimeOffset.UtcNow);
        var after = new CampaignTiming(new DateTime(2027, 3, 14, 3, 0, 0), null, "America/New_York").Resolve(DateTimeOffset.UtcNow);
        var preview = await data.Previews.PreviewAsync(ada, CourseSelection.Of(course), TwentyOff, after.StartsAt, null, default);
        var result = await data.Store.ScheduleAsync(ada, preview, new CampaignPlan("After the gap", TwentyOff, "America/New_York", after.StartsAt, null), default);

        Assert.Null(gap.StartsAt);
        Assert.Contains("the clocks go forward from 02:00 to 03:00", gap.StartError, StringComparison.Ordinal);
        Assert.Equal(new DateTimeOffset(2027, 3, 14, 7, 0, 0, TimeSpan.Zero),
            await data.People.ScalarAsync<DateTimeOffset>("SELECT starts_at FROM price_campaigns WHERE campaign_id = @id", new { id = result.CampaignId }));
    }

    [Fact]
    public async Task An_instructor_cannot_cancel_end_or_edit_another_instructors_campaign()
    {
        var ada = await data.InstructorAsync();
        var bob = await data.InstructorAsync();
        var campaign = await data.ScheduleAsync(ada, await data.CoursesAsync(ada, 50m), TwentyOff);

        Assert.Equal(CampaignOutcome.NotFound, (await data.Store.CancelAsync(bob, campaign, null, default)).Outcome);
        Assert.Equal(CampaignOutcome.NotFound, (await data.Store.EndNowAsync(bob, campaign, default)).Outcome);
        Assert.Equal("scheduled", await data.StateAsync(campaign));
    }
}
