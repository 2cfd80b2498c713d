using TechCourse.Admin.Features.Campaigns;
using TechCourse.Admin.Features.Courses;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Features.Campaigns;

// "Revert to this price": the dialog first shows the price now and the change that set it (PriceNow), then writes a new
// change through the same expected-price check as any other.
public sealed class RevertToPriceTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private readonly CampaignTestData data = new(database.Database);
    private PriceNow Prices => new(data.People.Runtime);
    private CoursesStore Store => new(data.People.Runtime);

    [Fact]
    public async Task The_price_now_comes_with_who_set_it_why_and_the_campaign_that_did()
    {
        var ada = await data.InstructorAsync();
        var courses = await data.CoursesAsync(ada, 50m);
        var operation = new PriceOperation(PriceOperationKind.Set, 40m);
        var preview = await data.Previews.PreviewAsync(ada, CourseSelection.Of(courses), operation, null, null, default);
        var applied = await data.Store.ApplyNowAsync(ada, preview, new CampaignPlan("Flash sale", operation, "UTC", null, null), default);

        var now = await Prices.FindAsync(ada, courses[0], default);

        Assert.Equal((40m, 50m, 40m, ada.Email, "Flash sale", applied.CampaignId),
            (now!.Price, now.LastChange!.OldPrice, now.LastChange.NewPrice, now.LastChange.ChangedBy, now.LastChange.Reason, now.LastChange.CampaignId));
    }

    [Fact]
    public async Task Another_instructors_course_shows_nothing_neither_its_price_nor_who_set_it()
    {
        var ada = await data.InstructorAsync();
        var bob = await data.InstructorAsync();
        var bobs = await data.CoursesAsync(bob, 50m);

        Assert.Null(await Prices.FindAsync(ada, bobs[0], default));
        Assert.NotNull(await Prices.FindAsync(await data.AdminAsync(), bobs[0], default));
    }

    [Fact]
    public async Task Reverting_over_a_price_that_moved_after_it_was_shown_changes_nothing_and_tells_the_price_now()
    {
        var ada = await data.InstructorAsync();
        var courses = await data.CoursesAsync(ada, 50m);
        Assert.True((await Store.UpdatePriceAsync(ada, courses[0], 50m, 40m, "sale", default)).Succeeded);
        var shown = await Prices.FindAsync(ada, courses[0], default);
        Assert.True((await Store.UpdatePriceAsync(ada, courses[0], 40m, 45m, "changed meanwhile", default)).Succeeded);

        var revert = await Store.UpdatePriceAsync(ada, courses[0], shown!.Price, 50m, "Back to the price before the sale", default);

        Assert.Equal((SaveOutcome.Conflict, (decimal?)45m), (revert.Outcome, revert.CurrentPrice));
        Assert.Equal(45m, await data.PriceAsync(courses[0]));
    }
}
