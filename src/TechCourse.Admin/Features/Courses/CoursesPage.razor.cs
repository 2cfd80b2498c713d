using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Infrastructure.Database;

namespace TechCourse.Admin.Features.Courses;

/// The grid's filters, sort, page and page size live in the query string, so a view can be bookmarked and shared.
public sealed partial class CoursesPage : IDisposable
{
    internal static readonly CultureInfo Us = CultureInfo.GetCultureInfo("en-US");
    private static readonly int[] PageSizes = [10, 25, 50, 100];
    private static readonly Dictionary<string, CourseSort> SortsByColumn = new()
    {
        [nameof(CourseRow.Title)] = CourseSort.Title,
        [nameof(CourseRow.Price)] = CourseSort.Price,
        [nameof(CourseRow.IsPublished)] = CourseSort.Published,
        [nameof(CourseRow.PassingScore)] = CourseSort.PassingScore,
        [nameof(CourseRow.Enrollments)] = CourseSort.Enrollments,
        [nameof(CourseRow.GrossRevenue)] = CourseSort.Revenue,
    };

    private readonly CancellationTokenSource cancellation = new();
    private MudDataGrid<CourseRow>? grid;
    private Actor? actor;
    private List<CourseRow> rows = [];
    private bool loading;
    private string? loadError;
    private string? search, published = "", difficulty = "";
    private int? passingScore;
    private decimal? minPrice, maxPrice;
    private InstructorOption? instructor;
    private CourseSort sort = CourseSort.Title;
    private bool descending;
    // The grid's page and page size as last loaded: every re-render of this page hands them to the grid again, so they
    // must follow the grid (a stale value would send it back to that page).
    private int currentPage, pageSize = 25;
    private int? editingPriceOf;
    // The count only changes with the filter: paging and sorting the same filter reuse it (one statement, not two).
    private (CourseFilter Filter, int Total)? counted;

    [Inject] private CoursesQueries Queries { get; set; } = null!;
    [Inject] private CoursesStore Store { get; set; } = null!;
    [Inject] private NavigationManager Navigation { get; set; } = null!;
    [Inject] private IDialogService Dialogs { get; set; } = null!;
    [Inject] private ISnackbar Snackbar { get; set; } = null!;
    [Inject] private ILogger<CoursesPage> Logger { get; set; } = null!;
    [CascadingParameter] private Task<AuthenticationState>? Authentication { get; set; }

    [SupplyParameterFromQuery(Name = "q")] public string? Q { get; set; }
    [SupplyParameterFromQuery(Name = "published")] public bool? PublishedQuery { get; set; }
    [SupplyParameterFromQuery(Name = "difficulty")] public string? DifficultyQuery { get; set; }
    [SupplyParameterFromQuery(Name = "score")] public int? ScoreQuery { get; set; }
    [SupplyParameterFromQuery(Name = "min")] public decimal? MinQuery { get; set; }
    [SupplyParameterFromQuery(Name = "max")] public decimal? MaxQuery { get; set; }
    [SupplyParameterFromQuery(Name = "instructor")] public Guid? InstructorQuery { get; set; }
    [SupplyParameterFromQuery(Name = "sort")] public string? SortQuery { get; set; }
    [SupplyParameterFromQuery(Name = "desc")] public bool? DescQuery { get; set; }
    [SupplyParameterFromQuery(Name = "page")] public int? PageQuery { get; set; }
    [SupplyParameterFromQuery(Name = "size")] public int? SizeQuery { get; set; }

    protected override async Task OnInitializedAsync()
    {
        // The grid asks for its rows once the circuit is up: until then the prerendered page shows it loading, not
        // "No courses match these filters."
        loading = !RendererInfo.IsInteractive;
        if (Authentication is not null) actor = Actor.From((await Authentication).User);
        // Read once: later changes of the query string are our own (replace: true) echoes of the grid's state.
        search = Q;
        published = PublishedQuery switch { true => "true", false => "false", null => "" };
        difficulty = CourseRules.Difficulties.Contains(DifficultyQuery) ? DifficultyQuery : "";
        passingScore = ScoreQuery is >= 0 and <= 100 ? ScoreQuery : null;
        minPrice = MinQuery is >= 0 ? MinQuery : null;
        maxPrice = MaxQuery is >= 0 ? MaxQuery : null;
        sort = Enum.TryParse<CourseSort>(SortQuery, ignoreCase: true, out var s) ? s : CourseSort.Title;
        descending = DescQuery ?? false;
        currentPage = Math.Max(0, (PageQuery ?? 1) - 1);
        pageSize = PageSizes.Contains(SizeQuery ?? 0) ? SizeQuery!.Value : 25;
        if (actor is { IsAdmin: true } && InstructorQuery is { } id)
        {
            try
            {
                instructor = await Queries.InstructorAsync(id, cancellation.Token);
            }
            catch (Exception e) when (DatabaseErrors.Describe(e) is not null)
            {
                instructor = null;
            }
        }
    }

    private SortDirection Direction(CourseSort column) =>
        column != sort ? SortDirection.None : descending ? SortDirection.Descending : SortDirection.Ascending;

    private CourseFilter Filter() => new(
        Search: string.IsNullOrWhiteSpace(search) ? null : search.Trim(),
        Published: published switch { "true" => true, "false" => false, _ => null },
        InstructorId: instructor?.UserId,
        Difficulty: string.IsNullOrEmpty(difficulty) ? null : difficulty,
        PassingScore: passingScore, MinPrice: minPrice, MaxPrice: maxPrice);

    private async Task<GridData<CourseRow>> LoadAsync(GridState<CourseRow> state, CancellationToken ct)
    {
        if (actor is null) return new GridData<CourseRow>();
        var definition = state.SortDefinitions.FirstOrDefault();
        if (definition is not null && SortsByColumn.TryGetValue(definition.SortBy, out var chosen))
            (sort, descending) = (chosen, definition.Descending);
        else if (definition is null && state.SortDefinitions.Count == 0 && rows.Count > 0)
            (sort, descending) = (CourseSort.Title, false);
        loading = true;
        (currentPage, pageSize) = (state.Page, state.PageSize);
        try
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, cancellation.Token);
            var filter = Filter();
            var known = counted is { } c && c.Filter == filter ? c.Total : (int?)null;
            var page = await Queries.PageAsync(actor, new CoursePageRequest(filter, sort, descending, state.Page, state.PageSize, known), linked.Token);
            counted = (filter, page.TotalCount);
            rows = page.Rows.ToList();
            loadError = null;
            KeepInUrl(state.Page, state.PageSize);
            return new GridData<CourseRow> { Items = rows, TotalItems = page.TotalCount };
        }
        catch (OperationCanceledException)
        {
            return new GridData<CourseRow> { Items = rows, TotalItems = rows.Count };
        }
        catch (Exception e)
        {
            loadError = Describe(e, "The courses could not be loaded.");
            rows = [];
            return new GridData<CourseRow>();
        }
        finally
        {
            loading = false;
        }
    }

    private void KeepInUrl(int page, int pageSize)
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
            ["page"] = page == 0 ? null : page + 1,
            ["size"] = pageSize == 25 ? null : pageSize,
        });
        if (!string.Equals(url, Navigation.Uri, StringComparison.Ordinal)) Navigation.NavigateTo(url, replace: true);
    }

    private async Task ReloadFromFirstPageAsync()
    {
        if (grid is null) return;
        if (grid.CurrentPage != 0) grid.NavigateTo(Page.First);
        else await grid.ReloadServerData();
    }

    private bool OnFirstPage => grid is null || grid.CurrentPage == 0;
    private bool OnLastPage => grid is null || (grid.CurrentPage + 1) * grid.RowsPerPage >= grid.GetFilteredItemsCount();

    private string RangeText()
    {
        if (grid is null) return "";
        var total = grid.GetFilteredItemsCount();
        var first = total == 0 ? 0 : grid.CurrentPage * grid.RowsPerPage + 1;
        var last = Math.Min((grid.CurrentPage + 1) * grid.RowsPerPage, total);
        return $"{first.ToString("N0", Us)}-{last.ToString("N0", Us)} of {total.ToString("N0", Us)}";
    }

    // The grid handles the pager's events (as MudDataGridPager does): it re-renders itself and loads the page.
    private EventCallback<MouseEventArgs> PagerClick(Page page) =>
        EventCallback.Factory.Create<MouseEventArgs>((object?)grid ?? this, () => grid?.NavigateTo(page));

    private EventCallback<ChangeEventArgs> PageSizeChanged => EventCallback.Factory.Create<ChangeEventArgs>((object?)grid ?? this, e =>
        grid is not null && int.TryParse(e.Value?.ToString(), out var size) && PageSizes.Contains(size) ? grid.SetRowsPerPageAsync(size) : Task.CompletedTask);

    private Task SearchChangedAsync(string? value) { search = value; return ReloadFromFirstPageAsync(); }
    private Task PublishedChangedAsync(string value) { published = value; return ReloadFromFirstPageAsync(); }
    private Task DifficultyChangedAsync(string value) { difficulty = value; return ReloadFromFirstPageAsync(); }
    private Task PassingScoreChangedAsync(int? value) { passingScore = value; return ReloadFromFirstPageAsync(); }
    private Task MinPriceChangedAsync(decimal? value) { minPrice = value; return ReloadFromFirstPageAsync(); }
    private Task MaxPriceChangedAsync(decimal? value) { maxPrice = value; return ReloadFromFirstPageAsync(); }
    private Task InstructorChangedAsync(InstructorOption? value) { instructor = value; return ReloadFromFirstPageAsync(); }

    private Task ClearFiltersAsync()
    {
        (search, published, difficulty, passingScore, minPrice, maxPrice, instructor) = (null, "", "", null, null, null, null);
        return ReloadFromFirstPageAsync();
    }

    private async Task<IEnumerable<InstructorOption>> SearchInstructorsAsync(string? text, CancellationToken ct)
    {
        try
        {
            return await Queries.InstructorsAsync(text, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException && DatabaseErrors.Describe(e) is not null)
        {
            return [];
        }
    }

    /// The grid row changes in place: no reload, the page and scroll position stay.
    private void PriceSaved(CourseRow updated)
    {
        var index = rows.FindIndex(r => r.CourseId == updated.CourseId);
        if (index >= 0) rows[index] = updated;
        editingPriceOf = null;
    }

    private async Task CreateAsync()
    {
        var dialog = await Dialogs.ShowAsync<CourseDialog>("New course", new DialogParameters<CourseDialog> { { d => d.Actor, actor } },
            new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true });
        if ((await dialog.Result) is { Canceled: false } && grid is not null) await ReloadCountingAsync();
    }

    private async Task EditAsync(CourseRow row)
    {
        var dialog = await Dialogs.ShowAsync<CourseDialog>($"Edit {row.Title}",
            new DialogParameters<CourseDialog> { { d => d.Actor, actor }, { d => d.CourseId, row.CourseId } },
            new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true });
        if ((await dialog.Result) is { Canceled: false } && grid is not null) await ReloadCountingAsync();
    }

    private Task HistoryAsync(CourseRow row) =>
        Dialogs.ShowAsync<PriceHistoryDialog>($"Price history of {row.Title}",
            new DialogParameters<PriceHistoryDialog> { { d => d.Actor, actor }, { d => d.CourseId, row.CourseId } },
            new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true, CloseButton = true });

    private async Task DeleteAsync(CourseRow row)
    {
        if (actor is null) return;
        if (row.Enrollments > 0)
        {
            Snackbar.Add($"{row.Title} has {row.Enrollments.ToString("N0", Us)} {(row.Enrollments == 1 ? "enrollment" : "enrollments")} — unpublish it instead.", Severity.Warning);
            return;
        }
        var confirmed = await Dialogs.ShowMessageBoxAsync("Delete course", $"Delete {row.Title}? This cannot be undone.", yesText: "Delete", cancelText: "Cancel");
        if (confirmed != true) return;
        try
        {
            var result = await Store.DeleteAsync(actor, row.CourseId, cancellation.Token);
            Snackbar.Add(result.Deleted ? $"Deleted {row.Title}." : result.Message!, result.Deleted ? Severity.Success : Severity.Warning);
            if (result.Deleted && grid is not null) await ReloadCountingAsync();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Snackbar.Add(Describe(e, "The course was not deleted."), Severity.Error);
        }
    }

    /// After a create, edit or delete the filter's count may have changed.
    private Task ReloadCountingAsync()
    {
        counted = null;
        return grid?.ReloadServerData() ?? Task.CompletedTask;
    }

    private string Describe(Exception e, string what)
    {
        if (DatabaseErrors.Describe(e) is { } known) return known.Message;
        var reference = Guid.NewGuid().ToString("N")[..8];
        Logger.LogError(e, "Courses page failure {CorrelationId}", reference);
        return $"{what} Something unexpected went wrong (reference {reference}).";
    }

    public void Dispose()
    {
        cancellation.Cancel();
        cancellation.Dispose();
    }
}
