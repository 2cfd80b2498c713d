using TechCourse.Admin.Features.Campaigns;
using TechCourse.Admin.Features.Courses;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Features.Campaigns;

// A bulk change applied now: previewed course by course, then applied in one transaction with one reason, or not at all.
public sealed class BulkPriceChangeTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private readonly CampaignTestData data = new(database.Database);
    private static readonly PriceOperation ThirtyOff = new(PriceOperationKind.Percent, -30m, 0.99m);

    private static CampaignPlan Now(string reason, PriceOperation operation, DateTimeOffset? endsAt = null) => new(reason, operation, "UTC", null, endsAt);

    [Fact]
    public async Task The_preview_shows_old_and_new_prices_and_writes_nothing()
    {
        var ada = await data.InstructorAsync();
        var courses = await data.CoursesAsync(ada, 50m, 20m, 9.99m);

        var preview = await data.Previews.PreviewAsync(ada, CourseSelection.Of(courses), ThirtyOff, null, null, default);

        Assert.Equal([(50m, 34.99m), (20m, 13.99m), (9.99m, 6.99m)], courses.Select(c => preview.Rows.Single(r => r.CourseId == c)).Select(r => (r.OldPrice!.Value, r.NewPrice!.Value)));
        Assert.All(preview.Rows, r => Assert.Equal(PreviewOutcome.Changes, r.Outcome));
        Assert.Equal(-30.0m, preview.Rows.Single(r => r.CourseId == courses[0]).PercentChange);
        Assert.Equal([50m, 20m, 9.99m], await data.PricesAsync(courses));
        Assert.Empty(await data.ChangesAsync(courses));
    }

    [Fact]
    public async Task The_preview_says_why_a_course_would_not_change()
    {
        var ada = await data.InstructorAsync();
        var bob = await data.InstructorAsync();
        var mine = await data.CoursesAsync(ada, 5m, 20m, 99_999_990m);
        var bobs = await data.CoursesAsync(bob, 30m);
        var minusTen = new PriceOperation(PriceOperationKind.Amount, -10m);

        var preview = await data.Previews.PreviewAsync(ada, CourseSelection.Of([.. mine, .. bobs, 987_654]), minusTen, null, null, default);
        var plusTwenty = await data.Previews.PreviewAsync(ada, CourseSelection.Of(mine[2]), new PriceOperation(PriceOperationKind.Amount, 20m), null, null, default);
        var setTwenty = await data.Previews.PreviewAsync(ada, CourseSelection.Of(mine[1]), new PriceOperation(PriceOperationKind.Set, 20m), null, null, default);

        PreviewOutcome Outcome(CampaignPreview p, int course) => p.Rows.Single(r => r.CourseId == course).Outcome;
        Assert.Equal(PreviewOutcome.BelowZero, Outcome(preview, mine[0]));
        Assert.Equal("would go below 0", preview.Rows.Single(r => r.CourseId == mine[0]).Why);
        Assert.Equal(PreviewOutcome.Changes, Outcome(preview, mine[1]));
        Assert.Equal(PreviewOutcome.NotYours, Outcome(preview, bobs[0]));
        Assert.Null(preview.Rows.Single(r => r.CourseId == bobs[0]).Title);
        Assert.Equal(PreviewOutcome.Missing, Outcome(preview, 987_654));
        Assert.Equal(PreviewOutcome.AboveMaximum, Outcome(plusTwenty, mine[2]));
        Assert.Equal(PreviewOutcome.Unchanged, Outcome(setTwenty, mine[1]));
    }

    [Theory]
    [InlineData("percent", -30, 0.99, 34.99, 23.99)]
    [InlineData("percent", -30, 0.99, 35.70, 24.99)]
    [InlineData("percent", -50, 0.99, 0.60, 0.99)]
    [InlineData("percent", -50, 0.49, 49.00, 24.49)]
    [InlineData("percent", 12.5, null, 19.99, 22.49)]
    [InlineData("set", 20, 0.00, 50.00, 20.00)]
    [InlineData("set", 19.50, 0.00, 50.00, 19.00)]
    [InlineData("amount", -5, 0.99, 50.00, 44.99)]
    public async Task Percentages_round_to_the_cent_and_a_price_ending_to_the_nearest_price_with_it(string kind, decimal amount, double? ending, decimal price, decimal expected)
    {
        var ada = await data.InstructorAsync();
        var course = (await data.CoursesAsync(ada, price))[0];
        var operation = new PriceOperation(PriceOperation.KindOf(kind), amount, ending is { } e ? (decimal)e : null);

        var preview = await data.Previews.PreviewAsync(ada, CourseSelection.Of(course), operation, null, null, default);

        Assert.Equal(expected, preview.Rows.Single().NewPrice);
    }

    [Fact]
    public async Task Applying_changes_every_course_in_one_go_with_one_entry_each_carrying_the_campaign_and_its_reason()
    {
        var ada = await data.InstructorAsync();
        var courses = await data.CoursesAsync(ada, 50m, 20m, 9.99m);
        var preview = await data.Previews.PreviewAsync(ada, CourseSelection.Of(courses), ThirtyOff, null, null, default);

        var result = await data.Store.ApplyNowAsync(ada, preview, Now("  Black Friday ", ThirtyOff), default);

        Assert.True(result.Succeeded, result.Message);
        Assert.Equal([34.99m, 13.99m, 6.99m], await data.PricesAsync(courses));
        var changes = await data.ChangesAsync(courses);
        Assert.Equal(3, changes.Count);
        Assert.All(changes, c => Assert.Equal((ada.UserId, "app", "Black Friday", result.CampaignId), (c.ChangedBy!.Value, c.Source, c.Reason, c.CampaignId)));
        Assert.Equal("finished", await data.StateAsync(result.CampaignId!.Value));
        Assert.All(await data.CourseStatesAsync(result.CampaignId.Value), c => Assert.Equal("applied", c.State));
    }

    [Fact]
    public async Task If_one_price_changed_since_the_preview_nothing_is_applied_and_the_user_sees_who_changed_it_from_what_to_what()
    {
        var ada = await data.InstructorAsync();
        var admin = await data.AdminAsync();
        var courses = await data.CoursesAsync(ada, 50m, 20m, 9.99m);
        var preview = await data.Previews.PreviewAsync(ada, CourseSelection.Of(courses), ThirtyOff, null, null, default);
        Assert.True((await new CoursesStore(data.People.Runtime).UpdatePriceAsync(admin, courses[1], 20m, 25m, "price rise", default)).Succeeded);

        var result = await data.Store.ApplyNowAsync(ada, preview, Now("Black Friday", ThirtyOff), default);

        Assert.Equal(CampaignOutcome.PricesMoved, result.Outcome);
        var moved = Assert.Single(result.Moved!);
        Assert.Equal((courses[1], 20m, 25m, admin.Email, 20m, 25m), (moved.CourseId, moved.Previewed, moved.Now!.Value, moved.LastChange!.ChangedBy, moved.LastChange.OldPrice!.Value, moved.LastChange.NewPrice!.Value));
        Assert.Equal([50m, 25m, 9.99m], await data.PricesAsync(courses));
        Assert.Single(await data.ChangesAsync(courses));
        Assert.Equal(0L, await data.People.ScalarAsync<long>("SELECT count(*) FROM price_campaigns WHERE created_by = @id", new { id = ada.UserId }));
    }

    [Fact]
    public async Task An_instructor_cannot_apply_a_change_to_another_instructors_course_even_by_naming_it()
    {
        var ada = await data.InstructorAsync();
        var bob = await data.InstructorAsync();
        var bobs = await data.CoursesAsync(bob, 30m);
        var forged = new CampaignPreview(ThirtyOff, [new PreviewRow(bobs[0], "Bob's", null, 30m, 20.99m, PreviewOutcome.Changes)], null, null);

        var result = await data.Store.ApplyNowAsync(ada, forged, Now("mine now", ThirtyOff), default);

        Assert.False(result.Succeeded);
        Assert.Equal("A course of the selection is not yours: preview again.", result.Message);
        Assert.Equal(30m, await data.PriceAsync(bobs[0]));
    }

    [Fact]
    public async Task A_reason_is_required_and_nothing_is_written_without_one()
    {
        var ada = await data.InstructorAsync();
        var courses = await data.CoursesAsync(ada, 50m);
        var preview = await data.Previews.PreviewAsync(ada, CourseSelection.Of(courses), ThirtyOff, null, null, default);

        var result = await data.Store.ApplyNowAsync(ada, preview, Now("   ", ThirtyOff), default);

        Assert.Equal((CampaignOutcome.Invalid, CampaignsStore.ReasonField), (result.Outcome, result.Field));
        Assert.Equal(50m, await data.PriceAsync(courses[0]));
    }

    [Fact]
    public async Task The_filtered_selection_takes_every_matching_course_of_the_instructor_and_none_of_anyone_elses()
    {
        var ada = await data.InstructorAsync();
        var bob = await data.InstructorAsync();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var mine = new[] { await data.People.CourseAsync(ada.UserId, 40m, title: $"Docker {tag} 1"), await data.People.CourseAsync(ada.UserId, 60m, title: $"Docker {tag} 2") };
        await data.People.CourseAsync(bob.UserId, 40m, title: $"Docker {tag} bob");

        var preview = await data.Previews.PreviewAsync(ada, CourseSelection.Matching(new CourseFilter(Search: $"docker {tag}")), ThirtyOff, null, null, default);

        Assert.Equal(mine.Order(), preview.Rows.Select(r => r.CourseId).Order());
    }

    [Fact]
    public async Task A_change_applied_now_with_an_end_is_active_until_the_scheduler_returns_the_prices()
    {
        var ada = await data.InstructorAsync();
        var courses = await data.CoursesAsync(ada, 50m, 20m);
        var preview = await data.Previews.PreviewAsync(ada, CourseSelection.Of(courses), ThirtyOff, null, DateTimeOffset.UtcNow.AddDays(2), default);
        var result = await data.Store.ApplyNowAsync(ada, preview, Now("Flash sale", ThirtyOff, DateTimeOffset.UtcNow.AddDays(2)), default);
        Assert.Equal("active", await data.StateAsync(result.CampaignId!.Value));

        await data.EndDueAsync(result.CampaignId.Value);
        await data.RunDueStepsAsync();

        Assert.Equal([50m, 20m], await data.PricesAsync(courses));
        Assert.Equal("finished", await data.StateAsync(result.CampaignId.Value));
        var changes = await data.ChangesAsync(courses);
        Assert.Equal(["app", "app", "schedule", "schedule"], changes.Select(c => c.Source).Order());
        Assert.All(changes, c => Assert.Equal((result.CampaignId, ada.UserId, "Flash sale"), (c.CampaignId, c.ChangedBy!.Value, c.Reason)));
    }
}
