using System.Text.Json.Nodes;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using TechCourse.Admin.Features.Courses;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Features.Courses;

public sealed class CourseDialogTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    // A bound for a slow, shared machine; every wait ends as soon as its condition holds.
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly CourseTestData data = new(database.Database);

    private async Task<(BunitContext Context, IRenderedComponent<MudDialogProvider> Dialogs, IDialogReference Reference)> OpenAsync(Actor actor, int? courseId)
    {
        var context = MudTestContext.Create();
        context.Services.AddSingleton(new CoursesQueries(data.Runtime));
        context.Services.AddSingleton(new CoursesStore(data.Runtime));
        context.Services.AddScoped<TechCourse.Admin.Infrastructure.Time.ViewerTimeZone>();
        var dialogs = context.Render<MudDialogProvider>();
        IDialogReference? reference = null;
        await dialogs.InvokeAsync(async () => reference = await context.Services.GetRequiredService<IDialogService>().ShowAsync<CourseDialog>("Course",
            new DialogParameters<CourseDialog> { { d => d.Actor, actor }, { d => d.CourseId, courseId } }));
        dialogs.WaitForAssertion(() => Assert.NotEmpty(dialogs.FindAll("[data-testid=course-dialog] input")), Wait);
        return (context, dialogs, reference!);
    }

    private static AngleSharp.Dom.IElement Field(IRenderedComponent<MudDialogProvider> dialogs, string label) =>
        dialogs.FindAll(".mud-input-control").First(c => c.QuerySelector("label")?.TextContent.Trim() == label).QuerySelector("input, textarea")!;

    // Every interaction is awaited: MudBlazor's input handlers are asynchronous and re-render when they finish, which gives
    // the dialog's buttons new event handler ids. bUnit's synchronous Click/Change/Input do not wait for the handler, so
    // a following click could be dispatched to an id that a late re-render had just removed, and the save was lost.
    // A dialog's result is awaited as a task, not through WaitForAssertion: that re-checks only when the provider renders,
    // and the result is set after the provider's last render when the dialog closes, so the check could wait for its
    // timeout however early the save had finished.
    private static Task ClickAsync(IRenderedComponent<MudDialogProvider> dialogs, string text) =>
        dialogs.FindAll("button").Single(b => b.TextContent.Trim() == text).ClickAsync(new MouseEventArgs());

    [Fact]
    public async Task Creating_without_a_title_or_with_a_bad_price_shows_the_messages_at_the_fields_and_writes_nothing()
    {
        var ada = await data.StaffAsync(StaffRoles.Instructor);
        var (context, dialogs, _) = await OpenAsync(ada, null);
        await using var _context = context;

        await Field(dialogs, "Title").InputAsync(new ChangeEventArgs { Value = "   " });
        await Field(dialogs, "Price").InputAsync(new ChangeEventArgs { Value = "10.001" });
        await ClickAsync(dialogs, "Create");

        dialogs.WaitForAssertion(() => Assert.Contains("Enter a title.", dialogs.Markup, StringComparison.Ordinal), Wait);
        Assert.Contains(CourseRules.PriceDecimals, dialogs.Markup, StringComparison.Ordinal);
        Assert.Equal(0L, await data.ScalarAsync<long>("SELECT count(*) FROM courses WHERE instructor_id = @id", new { id = ada.UserId }));
    }

    [Fact]
    public async Task Invalid_json_in_the_advanced_editor_is_refused_at_the_field()
    {
        var ada = await data.StaffAsync(StaffRoles.Instructor);
        var (context, dialogs, _) = await OpenAsync(ada, null);
        await using var _context = context;

        await dialogs.FindAll("input[type=checkbox]").Last().ChangeAsync(new ChangeEventArgs { Value = true });
        await Field(dialogs, "Quiz metadata (JSON)").ChangeAsync(new ChangeEventArgs { Value = "{\"questions\": 3," });
        await Field(dialogs, "Title").InputAsync(new ChangeEventArgs { Value = "Ok" });
        await Field(dialogs, "Price").InputAsync(new ChangeEventArgs { Value = "10" });
        await ClickAsync(dialogs, "Create");

        dialogs.WaitForAssertion(() => Assert.Contains("This is not valid JSON", dialogs.Markup, StringComparison.Ordinal), Wait);
        Assert.Equal(0L, await data.ScalarAsync<long>("SELECT count(*) FROM courses WHERE instructor_id = @id", new { id = ada.UserId }));
    }

    [Fact]
    public async Task Editing_the_structured_quiz_fields_keeps_unknown_keys_and_saves_with_a_reason()
    {
        var ada = await data.StaffAsync(StaffRoles.Instructor);
        var course = await data.CourseAsync(ada, "Rust", 50m, false, """{"questions": 10, "difficulty": "Easy", "proctoring": {"webcam": true}}""");
        var (context, dialogs, reference) = await OpenAsync(ada, course);
        await using var _context = context;

        await Field(dialogs, "Passing score").ChangeAsync(new ChangeEventArgs { Value = "75" });
        await Field(dialogs, "Price").InputAsync(new ChangeEventArgs { Value = "55.5" });
        await Field(dialogs, "Reason for a price change (optional)").InputAsync(new ChangeEventArgs { Value = "new edition" });
        await ClickAsync(dialogs, "Save");

        var result = await reference.Result.WaitAsync(Wait);
        Assert.False(result!.Canceled);
        var saved = JsonNode.Parse(await data.ScalarAsync<string>("SELECT quiz_metadata::text FROM courses WHERE course_id = @course", new { course }))!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"questions": 10, "difficulty": "Easy", "passing_score": 75, "proctoring": {"webcam": true}}"""), saved), saved.ToJsonString());
        Assert.Equal("new edition", await data.ScalarAsync<string>("SELECT reason FROM price_changes WHERE course_id = @course", new { course }));
    }

    [Fact]
    public async Task Saving_over_a_course_changed_meanwhile_opens_the_conflict_dialog_instead_of_overwriting()
    {
        var ada = await data.StaffAsync(StaffRoles.Instructor);
        var admin = await data.StaffAsync(StaffRoles.Admin, "root");
        var course = await data.CourseAsync(ada, "Rust", 50m);
        var (context, dialogs, _) = await OpenAsync(ada, course);
        await using var _context = context;

        await new CoursesStore(data.Runtime).UpdatePriceAsync(admin, course, 50m, 44m, null, default);
        await Field(dialogs, "Price").InputAsync(new ChangeEventArgs { Value = "70" });
        var saving = ClickAsync(dialogs, "Save"); // completes only once the conflict dialog is answered

        dialogs.WaitForAssertion(() => Assert.Contains($"changed by {admin.Email}", dialogs.Find("[data-testid=conflict-message]").TextContent, StringComparison.Ordinal), Wait);
        Assert.Equal(44m, await data.ScalarAsync<decimal>("SELECT price FROM courses WHERE course_id = @course", new { course }));
        Assert.False(saving.IsCompleted);

        // Keeping theirs ends the save (no handler is left waiting on a dialog when the context is disposed).
        await ClickAsync(dialogs, "Keep theirs");
        await saving.WaitAsync(Wait);
        Assert.Equal(44m, await data.ScalarAsync<decimal>("SELECT price FROM courses WHERE course_id = @course", new { course }));
    }
}
