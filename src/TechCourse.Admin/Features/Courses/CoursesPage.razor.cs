using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.JSInterop;
using MudBlazor;
using TechCourse.Admin.Components.Display;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Infrastructure.Database;
using TechCourse.Admin.Infrastructure.Reliability;

namespace TechCourse.Admin.Features.Courses;

// The grid's filters, sort, page and page size live in the query string, so a view can be bookmarked and shared.
public sealed partial class CoursesPage : IDisposable
{
    // Fifteen rows fill a 1440×900 screen; every row's components stay in the circuit while the page is open.
    private const int DefaultPageSize = 15;

    private readonly CancellationTokenSource cancellation = new();
    private MudTable<CourseRow>? table;
    private List<CourseRow> rows = [];
    private Actor? actor;
    private string? loadError;
    // What the address held that the grid could not use (set aside, the rest applied).
    private string? linkProblem;
    private string? search;
    private string published = "", difficulty = "";
    private int? passingScore;
    private decimal? minPrice, maxPrice;
    private InstructorOption? instructor;
    private Guid? instructorId;
    private CourseSort sort = CourseSort.Title;
    private bool descending;
    private int currentPage, pageSize = DefaultPageSize;
    private int? editingPriceOf;
    private bool moreFilters;
    private string? focusAfterRender;
    // The count only changes with the filter: paging and sorting the same filter reuse it (one statement, not two).
    private (CourseFilter Filter, int Total)? counted;

    [Inject] private CoursesQueries Queries { get; set; } = null!;
    [Inject] private NavigationManager Navigation { get; set; } = null!;
    [Inject] private IDialogService Dialogs { get; set; } = null!;
    [Inject] private IJSRuntime JS { get; set; } = null!;
    [Inject] private ILogger<CoursesPage> Logger { get; set; } = null!;
    [CascadingParameter] private Task<AuthenticationState>? Authentication { get; set; }

    // Read as text and parsed by CourseGridQuery: a malformed value in a link falls back to the default instead of failing the page.
    [SupplyParameterFromQuery(Name = "q")] public string? Q { get; set; }
    [SupplyParameterFromQuery(Name = "published")] public string? PublishedQuery { get; set; }
    [SupplyParameterFromQuery(Name = "difficulty")] public string? DifficultyQuery { get; set; }
    [SupplyParameterFromQuery(Name = "score")] public string? ScoreQuery { get; set; }
    [SupplyParameterFromQuery(Name = "min")] public string? MinQuery { get; set; }
    [SupplyParameterFromQuery(Name = "max")] public string? MaxQuery { get; set; }
    [SupplyParameterFromQuery(Name = "instructor")] public string? InstructorQuery { get; set; }
    [SupplyParameterFromQuery(Name = "sort")] public string? SortQuery { get; set; }
    [SupplyParameterFromQuery(Name = "desc")] public string? DescQuery { get; set; }
    [SupplyParameterFromQuery(Name = "page")] public string? PageQuery { get; set; }
    [SupplyParameterFromQuery(Name = "size")] public string? SizeQuery { get; set; }
    // A course whose edit dialog opens as soon as the grid shows it (the home page's links to courses needing attention);
    // a value that is not a course id is ignored.
    [SupplyParameterFromQuery(Name = "edit")] public string? EditQuery { get; set; }

    // The first page as prerendering read it (rows in the first response), handed to the grid's first interactive load.
    [PersistentState] public CoursePage? FirstPage { get; set; }

    protected override async Task OnInitializedAsync()
    {
        if (Authentication is not null) actor = Actor.From((await Authentication).User);
        // Read once: later changes of the query string are our own (replace: true) echoes of the grid's state.
        var query = CourseGridQuery.Parse(new Dictionary<string, Microsoft.Extensions.Primitives.StringValues>
        {
            ["q"] = Q, ["published"] = PublishedQuery, ["difficulty"] = DifficultyQuery, ["score"] = ScoreQuery, ["min"] = MinQuery, ["max"] = MaxQuery,
            ["instructor"] = InstructorQuery, ["sort"] = SortQuery, ["desc"] = DescQuery, ["page"] = PageQuery, ["size"] = SizeQuery,
        }, Inputs.PageSizes);
        linkProblem = query.Problem;
        search = query.Search;
        published = query.Published switch { true => "true", false => "false", null => "" };
        difficulty = query.Difficulty ?? "";
        (passingScore, minPrice, maxPrice, instructorId) = (query.PassingScore, query.MinPrice, query.MaxPrice, query.InstructorId);
        (sort, descending, currentPage, pageSize) = (query.Sort, query.Descending, query.Page, query.PageSize ?? DefaultPageSize);
        moreFilters = MoreFiltersSet > 0;
        selecting = SelectQuery == true;
        if (actor is null) return;
        if (actor.IsAdmin && instructorId is { } id)
        {
            try
            {
                instructor = await Queries.InstructorAsync(actor, id, cancellation.Token);
            }
            catch (Exception e) when (DatabaseErrors.Describe(e) is not null)
            {
                // The filter still applies; only its chip goes without the instructor's name.
                PageErrors.Report(Logger, e, "the instructor filter is shown without a name");
                instructor = null;
            }
        }
        if (!RendererInfo.IsInteractive) FirstPage = await ReadAsync(currentPage, pageSize, cancellation.Token);
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender) SubscribeToPriceChanges();
        if (focusAfterRender is not { } selector) return;
        focusAfterRender = null;
        await JS.InvokeVoidAsync("techCourse.focus", selector);
    }

    private int MoreFiltersSet => new object?[] { passingScore, minPrice, maxPrice, instructor ?? (object?)instructorId }.Count(v => v is not null);

    private SortDirection Initial(CourseSort column) => column != sort ? SortDirection.None : descending ? SortDirection.Descending : SortDirection.Ascending;

    private CourseFilter Filter() => new(
        Search: string.IsNullOrWhiteSpace(search) ? null : search.Trim(),
        Published: published switch { "true" => true, "false" => false, _ => null },
        InstructorId: instructor?.UserId,
        Difficulty: string.IsNullOrEmpty(difficulty) ? null : difficulty,
        PassingScore: passingScore, MinPrice: minPrice, MaxPrice: maxPrice);

    // The grid's ServerData: the table's page, size and sort mapped onto the query, and the URL kept in step.
    private async Task<TableData<CourseRow>> LoadPageAsync(TableState state, CancellationToken ct)
    {
        var sorted = (state.SortDirection == SortDirection.None ? CourseSort.Title : SortFrom(state.SortLabel), state.SortDirection == SortDirection.Descending);
        if (sorted != (sort, descending))
        {
            (sort, descending) = sorted;
            // A new sort starts again at the first page (the table keeps its page when a column is sorted).
            if (state.Page != 0 && table is not null)
            {
                table.NavigateTo(Page.First);
                return new TableData<CourseRow> { Items = rows, TotalItems = table.GetFilteredItemsCount() };
            }
        }
        (currentPage, pageSize) = (state.Page, state.PageSize);
        CoursePage? page = FirstPage;
        FirstPage = null;
        var shownError = loadError;
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, cancellation.Token);
            page ??= await ReadAsync(state.Page, state.PageSize, linked.Token);
            loadError = null;
        }
        catch (OperationCanceledException)
        {
            return new TableData<CourseRow> { Items = [], TotalItems = counted?.Total ?? 0 };
        }
        catch (Exception e)
        {
            loadError = PageErrors.Describe(Logger, e, "the courses cannot be shown");
            page = new CoursePage([], 0);
        }
        KeepInUrl();
        if (loadError != shownError) StateHasChanged(); // the error above the grid comes and goes with the loads
        rows = [.. page.Rows];
        if (int.TryParse(EditQuery, NumberStyles.None, CultureInfo.InvariantCulture, out var edit) && rows.FirstOrDefault(r => r.CourseId == edit) is { } toEdit)
        {
            EditQuery = null;
            _ = InvokeAsync(() => EditAsync(toEdit));
        }
        return new TableData<CourseRow> { Items = rows, TotalItems = page.TotalCount };
    }

    private async Task<CoursePage> ReadAsync(int page, int size, CancellationToken ct)
    {
        var filter = Filter();
        var known = counted is { } c && c.Filter == filter ? c.Total : (int?)null;
        var read = await Queries.PageAsync(actor!, new CoursePageRequest(filter, sort, descending, page, size, known), ct);
        counted = (filter, read.TotalCount);
        return read;
    }

    private static CourseSort SortFrom(string? label) => Enum.TryParse<CourseSort>(label, ignoreCase: true, out var s) ? s : CourseSort.Title;

    private void KeepInUrl()
    {
        var url = Navigation.GetUriWithQueryParameters(new Dictionary<string, object?>
        {
            ["q"] = string.IsNullOrWhiteSpace(search) ? null : search.Trim(),
            ["published"] = string.IsNullOrEmpty(published) ? null : published,
            ["difficulty"] = string.IsNullOrEmpty(difficulty) ? null : difficulty,
            ["score"] = passingScore,
            ["min"] = minPrice?.ToString(CultureInfo.InvariantCulture),
            ["max"] = maxPrice?.ToString(CultureInfo.InvariantCulture),
            ["instructor"] = instructor?.UserId.ToString(),
            ["sort"] = sort == CourseSort.Title ? null : sort.ToString().ToLowerInvariant(),
            ["desc"] = descending ? "true" : null,
            ["page"] = currentPage == 0 ? null : currentPage + 1,
            ["size"] = pageSize == DefaultPageSize ? null : pageSize,
        });
        if (!string.Equals(url, Navigation.Uri, StringComparison.Ordinal)) Navigation.NavigateTo(url, replace: true);
    }

    private static string RangeText(int total) => total == 0 ? "0 courses" : $"1–{Math.Min(total, DefaultPageSize)} of {Shown.Count(total)}";

    // A new filter starts again at the first page.
    private async Task ReloadFromFirstPageAsync()
    {
        allMatching = false;
        if (table is null) return;
        if (table.CurrentPage != 0) table.NavigateTo(Page.First);
        else await table.ReloadServerData();
    }

    private Task SearchChangedAsync(string? value)
    {
        search = value;
        return ReloadFromFirstPageAsync();
    }

    private Task PublishedChangedAsync(string value)
    {
        published = value is "true" or "false" ? value : "";
        return ReloadFromFirstPageAsync();
    }

    private Task DifficultyChangedAsync(string value)
    {
        difficulty = CourseRules.Difficulties.Contains(value) ? value : "";
        return ReloadFromFirstPageAsync();
    }

    private Task PassingScoreChangedAsync(int? value)
    {
        passingScore = value is { } v ? Math.Clamp(v, 0, 100) : null;
        return ReloadFromFirstPageAsync();
    }

    private Task MinPriceChangedAsync(decimal? value)
    {
        minPrice = value is { } v ? Math.Max(0, v) : null;
        return ReloadFromFirstPageAsync();
    }

    private Task MaxPriceChangedAsync(decimal? value)
    {
        maxPrice = value is { } v ? Math.Max(0, v) : null;
        return ReloadFromFirstPageAsync();
    }

    private Task InstructorChangedAsync(InstructorOption? value)
    {
        if (value == instructor) return Task.CompletedTask;
        instructor = value;
        return ReloadFromFirstPageAsync();
    }

    private Task ClearFiltersAsync()
    {
        (search, published, difficulty, passingScore, minPrice, maxPrice, instructor) = (null, "", "", null, null, null, null);
        return ReloadFromFirstPageAsync();
    }

    private async Task<IEnumerable<InstructorOption>> SearchInstructorsAsync(string? text, CancellationToken ct)
    {
        try
        {
            return actor is null ? [] : await Queries.InstructorsAsync(actor, text, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException && DatabaseErrors.Describe(e) is not null)
        {
            return [];
        }
    }

    // The grid row changes in place: no reload, the page and scroll position stay; the focus returns to its price.
    private void PriceSaved(CourseRow updated)
    {
        var index = rows.FindIndex(r => r.CourseId == updated.CourseId);
        if (index >= 0) rows[index] = updated;
        editingPriceOf = null;
        focusAfterRender = $"[data-testid='price-{updated.CourseId}']";
    }

    private void PriceCancelled()
    {
        focusAfterRender = editingPriceOf is { } id ? $"[data-testid='price-{id}']" : null;
        editingPriceOf = null;
    }

    private async Task CreateAsync()
    {
        var dialog = await Dialogs.ShowAsync<CourseDialog>("New course", new DialogParameters<CourseDialog> { { d => d.Actor, actor } }, CourseDialog.Options);
        await AfterDialogAsync(dialog, "[data-testid='new-course']");
    }

    private async Task EditAsync(CourseRow row)
    {
        var dialog = await Dialogs.ShowAsync<CourseDialog>($"Edit {row.Title}",
            new DialogParameters<CourseDialog> { { d => d.Actor, actor }, { d => d.CourseId, row.CourseId }, { d => d.Enrollments, row.Enrollments } },
            CourseDialog.Options);
        await AfterDialogAsync(dialog, $"[data-testid='edit-{row.CourseId}']");
    }

    // After a save the filter's count may have changed; the focus goes back to the button that opened the dialog.
    private async Task AfterDialogAsync(IDialogReference dialog, string opener)
    {
        var result = await dialog.Result;
        focusAfterRender = result is { Canceled: false, Data: CourseDialog.Deleted } ? "[data-testid='new-course']" : opener;
        if (result is { Canceled: false })
        {
            counted = null;
            if (table is not null) await table.ReloadServerData();
        }
        StateHasChanged();
    }

    private async Task HistoryAsync(CourseRow row)
    {
        var dialog = await Dialogs.ShowAsync<PriceHistoryDialog>($"Price history of {row.Title}",
            new DialogParameters<PriceHistoryDialog> { { d => d.Actor, actor }, { d => d.CourseId, row.CourseId } },
            new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true, CloseButton = true });
        await dialog.Result;
        focusAfterRender = $"[data-testid='history-{row.CourseId}']";
        StateHasChanged();
    }

    public void Dispose()
    {
        priceNews?.Dispose();
        cancellation.Cancel();
        cancellation.Dispose();
    }
}
