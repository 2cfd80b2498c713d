using TechCourse.Admin.Features.Campaigns;
using TechCourse.Admin.Features.Courses;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Features.Campaigns;

public sealed class CampaignsQueriesTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private readonly CampaignTestData data = new(database.Database);
    private CampaignsQueries Queries => new(data.People.Runtime);
    private static readonly PriceOperation TenOff = new(PriceOperationKind.Percent, -10m);

    [Fact]
    public async Task An_instructor_sees_only_the_campaigns_they_created_and_an_admin_sees_all()
    {
        var ada = await data.InstructorAsync();
        var bob = await data.InstructorAsync();
        var admin = await data.AdminAsync();
        var adas = await data.ScheduleAsync(ada, await data.CoursesAsync(ada, 50m), TenOff, "Ada's");
        var bobs = await data.ScheduleAsync(bob, await data.CoursesAsync(bob, 50m), TenOff, "Bob's");

        var adaSees = await Queries.PageAsync(ada, CampaignState.Scheduled, 0, 100, default);
        var adminSees = await Queries.PageAsync(admin, CampaignState.Scheduled, 0, 100, default);

        Assert.Equal([adas], adaSees.Rows.Select(r => r.CampaignId));
        Assert.Equal(1, (await Queries.CountsAsync(ada, default)).Scheduled);
        Assert.Contains(bobs, adminSees.Rows.Select(r => r.CampaignId));
        Assert.Null(await Queries.FindAsync(ada, bobs, default));
        Assert.Empty(await Queries.CoursesAsync(ada, bobs, default));
        Assert.NotNull(await Queries.FindAsync(admin, bobs, default));
    }

    [Fact]
    public async Task A_course_that_became_another_instructors_shows_in_the_creators_campaign_without_its_title_or_prices()
    {
        var ada = await data.InstructorAsync();
        var bob = await data.InstructorAsync();
        var courses = await data.CoursesAsync(ada, 50m, 20m);
        var campaign = await data.ScheduleAsync(ada, courses, TenOff);
        await data.People.ExecuteAsync("UPDATE courses SET instructor_id = @bob WHERE course_id = @course", new { bob = bob.UserId, course = courses[1] });

        var rows = await Queries.CoursesAsync(ada, campaign, default);

        var hidden = rows.Single(r => r.CourseId == courses[1]);
        Assert.Equal((false, (string?)null, (decimal?)null, (decimal?)null), (hidden.Visible, hidden.Title, hidden.PriceNow, hidden.WouldBe));
        Assert.Equal(45m, rows.Single(r => r.CourseId == courses[0]).WouldBe);
    }

    [Fact]
    public async Task The_effect_counts_enrollments_and_revenue_during_the_campaign_beside_the_same_length_before_it_to_the_cent()
    {
        var ada = await data.InstructorAsync();
        var courses = await data.CoursesAsync(ada, 50m, 20m);
        var campaign = await data.ScheduleAsync(ada, courses, TenOff);
        await data.StartDueAsync(campaign);
        await data.RunDueStepsAsync();
        // It ran from two hours ago for an hour.
        await data.People.ExecuteAsync("""
            UPDATE price_campaigns SET starts_at = starts_at - interval '2 hours', ends_at = starts_at - interval '1 hour', next_due_at = starts_at - interval '1 hour'
            WHERE campaign_id = @campaign;
            UPDATE price_campaign_courses i SET period = price_campaign_period(c.starts_at, c.ends_at) FROM price_campaigns c
            WHERE c.campaign_id = i.campaign_id AND i.campaign_id = @campaign;
            """, new { campaign });
        var start = await data.People.ScalarAsync<DateTimeOffset>("SELECT starts_at FROM price_campaigns WHERE campaign_id = @campaign", new { campaign });
        // Before: three sales in the hour before the start; during: two; and one outside both (two hours before).
        var students = new List<Guid>();
        for (var i = 0; i < 6; i++) students.Add(await data.People.UserAsync("Student"));
        await data.People.EnrollAsOwnerAsync(students[0], courses[0], 50m, start.AddMinutes(-30));
        await data.People.EnrollAsOwnerAsync(students[1], courses[0], 49.99m, start.AddMinutes(-59));
        await data.People.EnrollAsOwnerAsync(students[2], courses[1], 20m, start.AddMinutes(-1));
        await data.People.EnrollAsOwnerAsync(students[3], courses[0], 45m, start.AddMinutes(30));
        await data.People.EnrollAsOwnerAsync(students[4], courses[1], 18.01m, start.AddMinutes(45));
        await data.People.EnrollAsOwnerAsync(students[5], courses[1], 20m, start.AddHours(-3));
        await data.RunDueStepsAsync();
        Assert.Equal("finished", await data.StateAsync(campaign));

        var details = await Queries.FindAsync(ada, campaign, default);
        var effect = await Queries.EffectAsync(ada, details!, default);

        Assert.Equal((start, start.AddHours(1), start.AddHours(-1)), (effect!.From, effect.To, effect.BeforeFrom));
        Assert.Equal((2L, 63.01m, 3L, 119.99m), (effect.Enrollments, effect.Revenue, effect.EnrollmentsBefore, effect.RevenueBefore));
        var first = effect.Courses.Single(c => c.CourseId == courses[0]);
        Assert.Equal((1L, 45m, 2L, 99.99m), (first.Enrollments, first.Revenue, first.EnrollmentsBefore, first.RevenueBefore));
    }

    [Fact]
    public async Task A_course_skipped_at_the_start_says_why_with_who_set_the_price_it_found()
    {
        var ada = await data.InstructorAsync();
        var courses = await data.CoursesAsync(ada, 50m);
        var campaign = await data.ScheduleAsync(ada, courses, new PriceOperation(PriceOperationKind.Set, 30m));
        Assert.True((await new CoursesStore(data.People.Runtime).UpdatePriceAsync(ada, courses[0], 50m, 30m, "by hand", default)).Succeeded);

        await data.StartDueAsync(campaign);
        await data.RunDueStepsAsync();
        var row = (await Queries.CoursesAsync(ada, campaign, default)).Single();

        Assert.Equal(("skipped", "unchanged"), (row.State, row.OutcomeReason));
        Assert.Equal("The course already had the campaign's price.", row.Why);
    }
}
