using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor;
using MudBlazor.Extensions;
using TechCourse.Admin.Features.Audit;
using TechCourse.Admin.Features.Courses;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Infrastructure.Time;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Features.Courses;

public sealed class CoursesPageTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly CourseTestData data = new(database.Database);

    private BunitContext Context(Actor actor)
    {
        var context = MudTestContext.Create();
        context.Services.AddSingleton(new CoursesQueries(data.Runtime));
        context.Services.AddSingleton(new CoursesStore(data.Runtime));
        context.Services.AddSingleton(new PriceNow(data.Runtime));
        context.Services.AddSingleton(new AuditLiveFeed(NullLogger<AuditLiveFeed>.Instance));
        context.Services.AddScoped<ViewerTimeZone>();
        context.Services.AddCascadingValue(_ => Task.FromResult(new AuthenticationState(actor.ToPrincipal("test"))));
        context.SetRendererInfo(new RendererInfo("Server", true));
        return context;
    }

    [Fact]
    public async Task An_instructor_sees_only_their_courses_says_so_and_the_search_is_kept_in_the_url()
    {
        var ada = await data.StaffAsync(StaffRoles.Instructor);
        var bob = await data.StaffAsync(StaffRoles.Instructor, "bob");
        await data.CourseAsync(ada, "Rust for beginners", 20m);
        await data.CourseAsync(ada, "Go in depth", 30m);
        await data.CourseAsync(bob, "Rust by Bob", 40m);
        await using var context = Context(ada);

        var page = context.Render<CoursesPage>();

        page.WaitForAssertion(() => Assert.Equal(2, Titles(page).Length), Wait);
        Assert.Contains("only your own courses", page.Find("[data-testid=own-courses-note]").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("Rust by Bob", page.Markup, StringComparison.Ordinal);

        await page.Find("input").InputAsync(new ChangeEventArgs { Value = "rust" });
        // The search box waits 300 ms after the last keystroke; the grid re-renders when the search's page arrives.
        page.WaitForAssertion(() => Assert.Single(Titles(page)), Wait);
        Assert.Contains("Rust for beginners", page.Find("[data-testid=courses-grid] tbody").TextContent, StringComparison.Ordinal);
        Assert.Contains("q=rust", context.Services.GetRequiredService<NavigationManager>().Uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_page_starts_from_the_filters_sort_and_page_size_in_the_url()
    {
        var ada = await data.StaffAsync(StaffRoles.Instructor);
        await data.CourseAsync(ada, "Cheap", 5m);
        await data.CourseAsync(ada, "Dear", 500m);
        await data.CourseAsync(ada, "Middle", 50m, published: false);
        await using var context = Context(ada);

        context.Services.GetRequiredService<NavigationManager>().NavigateTo("courses?published=true&sort=price&desc=true&size=25");

        var page = context.Render<CoursesPage>();

        page.WaitForAssertion(() => Assert.Equal(["Dear", "Cheap"], Titles(page)), Wait);
        Assert.Empty(page.FindAll("[data-testid=link-problem]"));
    }

    [Theory]
    [InlineData("courses?sort=99")]
    [InlineData("courses?sort=-1&desc=maybe")]
    [InlineData("courses?page=abc")]
    [InlineData("courses?page=2147483647")]
    [InlineData("courses?size=abc&score=high&min=NaN&max=-1&published=perhaps&instructor=nobody")]
    [InlineData("courses?q=%00")]
    [InlineData("courses?q=Rust%00")]
    public async Task A_link_with_a_value_the_grid_cannot_use_opens_the_page_with_that_field_at_its_default_and_says_so(string url)
    {
        var ada = await data.StaffAsync(StaffRoles.Instructor);
        await data.CourseAsync(ada, "Rust for beginners", 20m);
        await data.CourseAsync(ada, "Go in depth", 30m);
        await using var context = Context(ada);
        context.Services.GetRequiredService<NavigationManager>().NavigateTo(url);

        var page = context.Render<CoursesPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("[data-testid=courses-grid] tbody tr").Count), Wait);
        Assert.DoesNotContain("went wrong", page.Markup, StringComparison.Ordinal);
        Assert.Contains("could not be used and were left at their defaults", page.Find("[data-testid=link-problem]").TextContent, StringComparison.Ordinal);
        Assert.Equal(["Go in depth", "Rust for beginners"], page.FindAll("[data-testid=courses-grid] tbody tr").Select(r => r.QuerySelector("td")!.TextContent.Trim()));
    }

    [Fact]
    public async Task The_filters_narrow_the_rows_keep_numbers_in_range_and_clear_together_and_the_url_follows()
    {
        var ada = await data.StaffAsync(StaffRoles.Instructor);
        await data.CourseAsync(ada, "Cheap draft", 5m, published: false);
        await data.CourseAsync(ada, "Dear", 500m, metadata: """{"difficulty": "Hard", "passing_score": 80}""");
        await data.CourseAsync(ada, "Middle", 50m, metadata: """{"difficulty": "Easy", "passing_score": 60}""");
        await using var context = Context(ada);
        var navigation = context.Services.GetRequiredService<NavigationManager>();
        var page = context.Render<CoursesPage>();
        page.WaitForAssertion(() => Assert.Equal(["Cheap draft", "Dear", "Middle"], Titles(page)), Wait);

        await ChooseAsync(page, Select(page, "Published").Instance.ValueChanged, "true");
        page.WaitForAssertion(() => Assert.Equal(["Dear", "Middle"], Titles(page)), Wait);
        await page.FindAll("button").Single(b => b.TextContent.Contains("More filters", StringComparison.Ordinal)).ClickAsync(new MouseEventArgs());
        await ChooseAsync<decimal?>(page, Number<decimal?>(page, "Min price ($)").Instance.ValueChanged, 49.99m);
        await ChooseAsync<int?>(page, Number<int?>(page, "Passing score").Instance.ValueChanged, 250);
        page.WaitForAssertion(() => Assert.Contains("No courses match these filters.", page.Find("[data-testid=courses-grid] tbody").TextContent, StringComparison.Ordinal), Wait);
        page.WaitForAssertion(() => Assert.Equal(100, Number<int?>(page, "Passing score").Instance.GetState(x => x.Value)), Wait);
        Assert.Contains("score=100", navigation.Uri, StringComparison.Ordinal);
        await ChooseAsync<int?>(page, Number<int?>(page, "Passing score").Instance.ValueChanged, 60);
        await ChooseAsync(page, Select(page, "Difficulty").Instance.ValueChanged, "Easy");
        page.WaitForAssertion(() => Assert.Equal(["Middle"], Titles(page)), Wait);
        Assert.Contains("published=true", navigation.Uri, StringComparison.Ordinal);
        Assert.Contains("min=49.99", navigation.Uri, StringComparison.Ordinal);
        Assert.Contains("difficulty=Easy", navigation.Uri, StringComparison.Ordinal);

        await page.FindAll("button").Single(b => b.TextContent.Contains("Clear filters", StringComparison.Ordinal)).ClickAsync(new MouseEventArgs());

        page.WaitForAssertion(() => Assert.Equal(["Cheap draft", "Dear", "Middle"], Titles(page)), Wait);
        page.WaitForAssertion(() => Assert.Null(Number<int?>(page, "Passing score").Instance.GetState(x => x.Value)), Wait);
        Assert.DoesNotContain("published=", navigation.Uri, StringComparison.Ordinal);
        Assert.DoesNotContain("min=", navigation.Uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_admin_filters_by_an_instructor_picked_from_the_suggestions_and_clearing_it_shows_everyone_again()
    {
        var admin = await data.StaffAsync(StaffRoles.Admin, "root");
        var ada = await data.StaffAsync(StaffRoles.Instructor);
        var bob = await data.StaffAsync(StaffRoles.Instructor, "bob");
        await data.CourseAsync(ada, "Ada's course");
        await data.CourseAsync(bob, "Bob's course");
        await using var context = Context(admin);
        var navigation = context.Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo($"courses?q={Uri.EscapeDataString("'s course")}");
        var page = context.Render<CoursesPage>();
        page.WaitForAssertion(() => Assert.Equal(["Ada's course", "Bob's course"], Titles(page)), Wait);
        await page.FindAll("button").Single(b => b.TextContent.Contains("More filters", StringComparison.Ordinal)).ClickAsync(new MouseEventArgs());
        var instructor = page.FindComponent<MudAutocomplete<InstructorOption>>();

        var suggestions = await instructor.Instance.SearchFunc!(bob.Email[..12], CancellationToken.None)!;
        await ChooseAsync(page, instructor.Instance.ValueChanged, suggestions.Single(o => o.UserId == bob.UserId));

        page.WaitForAssertion(() => Assert.Equal(["Bob's course"], Titles(page)), Wait);
        Assert.Contains($"instructor={bob.UserId}", navigation.Uri, StringComparison.Ordinal);
        await ChooseAsync<InstructorOption?>(page, instructor.Instance.ValueChanged, null);
        page.WaitForAssertion(() => Assert.Equal(["Ada's course", "Bob's course"], Titles(page)), Wait);
        Assert.DoesNotContain("instructor=", navigation.Uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_column_header_sorts_ascending_then_descending_from_the_first_page_and_the_url_follows()
    {
        var ada = await data.StaffAsync(StaffRoles.Instructor);
        await data.CourseAsync(ada, "Cheap", 5m);
        await data.CourseAsync(ada, "Dear", 500m);
        await data.CourseAsync(ada, "Middle", 50m);
        await using var context = Context(ada);
        var navigation = context.Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("courses?size=10&page=3");
        var page = context.Render<CoursesPage>();
        // A page past the end (an old link) shows the first page.
        page.WaitForAssertion(() => Assert.Equal(["Cheap", "Dear", "Middle"], Titles(page)), Wait);
        page.WaitForAssertion(() => Assert.Contains("1-3 of 3", page.Find("[data-testid=courses-pager]").TextContent, StringComparison.Ordinal), Wait);

        await SortByAsync(page, "Price");
        page.WaitForAssertion(() => Assert.Equal(["Cheap", "Middle", "Dear"], Titles(page)), Wait);
        page.WaitForAssertion(() => Assert.Equal("ascending", page.Find("th[aria-sort]").GetAttribute("aria-sort")), Wait);
        Assert.Contains("sort=price", navigation.Uri, StringComparison.Ordinal);

        await SortByAsync(page, "Price");
        page.WaitForAssertion(() => Assert.Equal(["Dear", "Middle", "Cheap"], Titles(page)), Wait);
        page.WaitForAssertion(() => Assert.Equal("descending", page.Find("th[aria-sort]").GetAttribute("aria-sort")), Wait);
        Assert.Contains("desc=true", navigation.Uri, StringComparison.Ordinal);
        Assert.DoesNotContain("page=", navigation.Uri, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_the_row_being_priced_gets_an_editor_and_saving_updates_that_row_in_place()
    {
        var ada = await data.StaffAsync(StaffRoles.Instructor);
        var rust = await data.CourseAsync(ada, "Rust", 50m);
        await data.CourseAsync(ada, "Go", 30m);
        await using var context = Context(ada);
        var page = context.Render<CoursesPage>();
        page.WaitForAssertion(() => Assert.Equal(2, Titles(page).Length), Wait);
        Assert.Empty(page.FindAll("[data-testid=price-editor]"));

        await ClickInGridAsync(page, "button[aria-label$='change price of Rust']");

        Assert.Single(page.FindAll("[data-testid=price-editor]"));
        Assert.Empty(page.FindAll("button[aria-label$='change price of Rust']"));
        Assert.Single(page.FindAll("button[aria-label$='change price of Go']"));
        await page.Find("button[aria-label='Cancel price change']").ClickAsync(new MouseEventArgs());
        Assert.Empty(page.FindAll("[data-testid=price-editor]"));

        await page.Find("button[aria-label$='change price of Rust']").ClickAsync(new MouseEventArgs());
        await page.Find("[data-testid=price-editor] input").InputAsync(new ChangeEventArgs { Value = "42.50" });
        await page.Find("button[aria-label='Save price']").ClickAsync(new MouseEventArgs());

        page.WaitForAssertion(() => Assert.Equal("$42.50", page.Find("button[aria-label$='change price of Rust']").TextContent.Trim()), Wait);
        Assert.Equal("$42.50, change price of Rust", page.Find("button[aria-label$='change price of Rust']").GetAttribute("aria-label"));
        Assert.Empty(page.FindAll("[data-testid=price-editor]"));
        Assert.Equal(42.50m, await data.ScalarAsync<decimal>("SELECT price FROM courses WHERE course_id = @rust", new { rust }));
    }

    [Fact]
    public async Task A_reason_typed_in_the_inline_editor_and_submitted_with_enter_is_saved_with_the_price()
    {
        var ada = await data.StaffAsync(StaffRoles.Instructor);
        var course = await data.CourseAsync(ada, "Rust", 50m);
        await using var context = MudTestContext.Create();
        context.Services.AddSingleton(new CoursesStore(data.Runtime));
        CourseRow? saved = null;
        var editor = context.Render<InlinePriceEditor>(p => p.Add(e => e.Course, Row(course, ada, "Rust", 50m)).Add(e => e.Actor, ada).Add(e => e.Saved, (CourseRow r) => saved = r));
        var inputs = editor.FindAll("[data-testid=price-editor] input");

        await inputs[0].InputAsync(new ChangeEventArgs { Value = "44" });
        await editor.FindAll("[data-testid=price-editor] input")[1].InputAsync(new ChangeEventArgs { Value = "Typed, then Enter" });
        await editor.FindAll("[data-testid=price-editor] input")[1].KeyDownAsync(new KeyboardEventArgs { Key = "Enter" });

        editor.WaitForAssertion(() => Assert.Equal(44m, saved?.Price), Wait);
        Assert.Equal("Typed, then Enter", await data.ScalarAsync<string>("SELECT reason FROM price_changes WHERE course_id = @course", new { course }));
    }

    [Fact]
    public async Task The_pager_moves_between_pages_keeps_the_page_while_editing_and_changes_the_page_size_and_the_url_follows()
    {
        var ada = await data.StaffAsync(StaffRoles.Instructor);
        for (var i = 0; i < 17; i++) await data.CourseAsync(ada, $"Course {i:00}", 10m + i);
        await using var context = Context(ada);
        var navigation = context.Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("courses");
        var page = context.Render<CoursesPage>();
        page.WaitForAssertion(() => Assert.Contains("1-15 of 17", page.Find("[data-testid=courses-pager]").TextContent, StringComparison.Ordinal), Wait);
        Assert.True(page.Find("button[aria-label='Previous page']").HasAttribute("disabled"));

        await ClickInGridAsync(page, "button[aria-label='Next page']");

        page.WaitForAssertion(() => Assert.Equal(["Course 15", "Course 16"], Titles(page)), Wait);
        Assert.Contains("16-17 of 17", page.Find("[data-testid=courses-pager]").TextContent, StringComparison.Ordinal);
        Assert.True(page.Find("button[aria-label='Last page']").HasAttribute("disabled"));
        Assert.Contains("page=2", navigation.Uri, StringComparison.Ordinal);
        await ClickInGridAsync(page, "button[aria-label$='change price of Course 15']");
        Assert.Single(page.FindAll("[data-testid=price-editor]"));
        Assert.Contains("16-17 of 17", page.Find("[data-testid=courses-pager]").TextContent, StringComparison.Ordinal); // opening an editor keeps the page

        await page.InvokeAsync(() => page.FindComponent<MudTable<CourseRow>>().Instance.SetRowsPerPage(25));

        page.WaitForAssertion(() => Assert.Contains("1-17 of 17", page.Find("[data-testid=courses-pager]").TextContent, StringComparison.Ordinal), Wait);
        page.WaitForAssertion(() => Assert.DoesNotContain("page=", navigation.Uri, StringComparison.Ordinal), Wait);
        Assert.Contains("size=25", navigation.Uri, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", CourseRules.PriceRequired)]
    [InlineData("12.345", CourseRules.PriceDecimals)]
    [InlineData("-1", CourseRules.PriceRange)]
    [InlineData("100000000", CourseRules.PriceRange)]
    [InlineData("twelve", CourseRules.PriceNotANumber)]
    public async Task The_inline_price_editor_refuses_bad_input_at_the_field_before_the_database(string typed, string message)
    {
        var ada = await data.StaffAsync(StaffRoles.Instructor);
        var course = await data.CourseAsync(ada, "Rust", 50m);
        await using var context = MudTestContext.Create();
        context.Services.AddSingleton(new CoursesStore(data.Runtime));
        var editor = context.Render<InlinePriceEditor>(p => p.Add(e => e.Course, Row(course, ada, "Rust", 50m)).Add(e => e.Actor, ada));

        await editor.Find("[data-testid=price-editor] input").InputAsync(new ChangeEventArgs { Value = typed });
        await editor.Find("button[aria-label='Save price']").ClickAsync(new MouseEventArgs());

        editor.WaitForAssertion(() => Assert.Contains(message, editor.Markup, StringComparison.Ordinal), Wait);
        Assert.Equal(0L, await data.ScalarAsync<long>("SELECT count(*) FROM price_changes WHERE course_id = @course", new { course }));
    }

    [Fact]
    public async Task A_stale_inline_edit_shows_who_changed_the_price_and_can_apply_the_new_value_on_top()
    {
        var ada = await data.StaffAsync(StaffRoles.Instructor);
        var admin = await data.StaffAsync(StaffRoles.Admin, "root");
        var course = await data.CourseAsync(ada, "Rust", 50m);
        await using var context = MudTestContext.Create();
        context.Services.AddSingleton(new CoursesStore(data.Runtime));
        context.Services.AddScoped<ViewerTimeZone>();
        var dialogs = context.Render<MudDialogProvider>();
        CourseRow? saved = null;
        var editor = context.Render<InlinePriceEditor>(p => p.Add(e => e.Course, Row(course, ada, "Rust", 50m)).Add(e => e.Actor, ada).Add(e => e.Saved, (CourseRow r) => saved = r));

        await new CoursesStore(data.Runtime).UpdatePriceAsync(admin, course, 50m, 45m, "promo", default);
        await editor.Find("[data-testid=price-editor] input").InputAsync(new ChangeEventArgs { Value = "60" });
        var saving = editor.Find("button[aria-label='Save price']").ClickAsync(new MouseEventArgs()); // waits for the conflict dialog's answer

        dialogs.WaitForAssertion(() => Assert.Contains($"changed by {admin.Email} at", dialogs.Find("[data-testid=conflict-message]").TextContent, StringComparison.Ordinal), Wait);
        Assert.Contains("from $50.00 to $45.00 (reason: promo)", dialogs.Find("[data-testid=conflict-message]").TextContent, StringComparison.Ordinal);
        Assert.Equal(45m, await data.ScalarAsync<decimal>("SELECT price FROM courses WHERE course_id = @course", new { course }));

        await dialogs.FindAll("button").Single(b => b.TextContent.Contains("Apply mine on top", StringComparison.Ordinal)).ClickAsync(new MouseEventArgs());
        await saving;

        editor.WaitForAssertion(() => Assert.Equal(60m, saved?.Price), Wait);
        Assert.Equal(60m, await data.ScalarAsync<decimal>("SELECT price FROM courses WHERE course_id = @course", new { course }));
        Assert.Equal(2L, await data.ScalarAsync<long>("SELECT count(*) FROM price_changes WHERE course_id = @course", new { course }));
    }

    [Fact]
    public async Task Keeping_theirs_in_the_conflict_dialog_writes_nothing_and_shows_their_price()
    {
        var ada = await data.StaffAsync(StaffRoles.Instructor);
        var course = await data.CourseAsync(ada, "Rust", 50m);
        await using var context = MudTestContext.Create();
        context.Services.AddSingleton(new CoursesStore(data.Runtime));
        context.Services.AddScoped<ViewerTimeZone>();
        var dialogs = context.Render<MudDialogProvider>();
        CourseRow? saved = null;
        var editor = context.Render<InlinePriceEditor>(p => p.Add(e => e.Course, Row(course, ada, "Rust", 50m)).Add(e => e.Actor, ada).Add(e => e.Saved, (CourseRow r) => saved = r));

        await data.ScalarAsync<int>("UPDATE courses SET price = 41 WHERE course_id = @course RETURNING 1", new { course });
        await editor.Find("[data-testid=price-editor] input").InputAsync(new ChangeEventArgs { Value = "60" });
        var saving = editor.Find("button[aria-label='Save price']").ClickAsync(new MouseEventArgs()); // waits for the conflict dialog's answer
        dialogs.WaitForAssertion(() => Assert.Contains("(outside the app)", dialogs.Find("[data-testid=conflict-message]").TextContent, StringComparison.Ordinal), Wait);
        await dialogs.FindAll("button").Single(b => b.TextContent.Contains("Keep theirs", StringComparison.Ordinal)).ClickAsync(new MouseEventArgs());
        await saving;

        editor.WaitForAssertion(() => Assert.Equal(41m, saved?.Price), Wait);
        Assert.Equal(1L, await data.ScalarAsync<long>("SELECT count(*) FROM price_changes WHERE course_id = @course", new { course }));
    }

    private static string[] Titles(IRenderedComponent<CoursesPage> page) =>
        page.FindAll("[data-testid=courses-grid] tbody tr").Where(r => r.QuerySelector("td") is { } td && td.GetAttribute("colspan") is null)
            .Select(r => r.QuerySelector("td")!.TextContent.Trim()).ToArray();

    private static IRenderedComponent<MudSelect<string>> Select(IRenderedComponent<CoursesPage> page, string label) =>
        page.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == label);

    private static IRenderedComponent<MudNumericField<T>> Number<T>(IRenderedComponent<CoursesPage> page, string label) =>
        page.FindComponents<MudNumericField<T>>().Single(f => f.Instance.Label == label);

    // A value picked in a MudBlazor input reaches the page through the input's ValueChanged, as a click on an option would.
    private static Task ChooseAsync<TValue>(IRenderedComponent<CoursesPage> page, EventCallback<TValue> valueChanged, TValue value) =>
        page.InvokeAsync(() => valueChanged.InvokeAsync(value));

    private static Task SortByAsync(IRenderedComponent<CoursesPage> page, string column) =>
        ClickInGridAsync(page, page.FindAll("th .mud-table-sort-label").Single(l => l.TextContent.Trim() == column));

    // MudTable renders once more right after its first load (OnAfterRenderAsync), which retires the handler ids of
    // everything it rendered: a click found between the two renders is dispatched to a retired id. Find it again then.
    private static Task ClickInGridAsync(IRenderedComponent<CoursesPage> page, AngleSharp.Dom.IElement element) => element.ClickAsync(new MouseEventArgs());

    private static async Task ClickInGridAsync(IRenderedComponent<CoursesPage> page, string selector)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await page.Find(selector).ClickAsync(new MouseEventArgs());
                return;
            }
            catch (Bunit.Rendering.UnknownEventHandlerIdException) when (attempt < 3)
            {
            }
        }
    }

    private static CourseRow Row(int id, Actor instructor, string title, decimal price) =>
        new(id, title, price, true, instructor.UserId, instructor.Email, null, null, 0, 0m);
}
