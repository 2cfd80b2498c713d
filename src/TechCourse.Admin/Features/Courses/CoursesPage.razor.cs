using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;
using TechCourse.Admin.Infrastructure.Reliability;
using TechCourse.Admin.Components;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Infrastructure.Database;

namespace TechCourse.Admin.Features.Courses;

// The grid's filters, sort, page and page size live in the query string, so a view can be bookmarked and shared.
public sealed partial class CoursesPage : IDisposable
{
    internal static readonly CultureInfo Us = CultureInfo.GetCultureInfo("en-US");
    private static readonly int[] PageSizes = [10, 25, 50, 100];

    private readonly CancellationTokenSource cancellation = new();
    private Actor? actor;
    private List<CourseRow> rows = [];
    private bool loading;
    private string? loadError;
    private string? search, published = "", difficulty = "";
    private int? passingScore;
    private decimal? minPrice, maxPrice;
    private InstructorOption? instructor;
    private string? instructorText, instructorProblem;
    private IReadOnlyList<InstructorOption> instructorOptions = [];
    private CourseSort sort = CourseSort.Title;
    private bool descending;
    private int currentPage, pageSize = 25, total;
    private CancellationTokenSource? loadingPage;
    private readonly TypingPause searchPause = new(TimeSpan.FromMilliseconds(300)), instructorPause = new(TimeSpan.FromMilliseconds(250));
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
        // The rows are asked for once the circuit is up (after the first render): until then the prerendered page shows
        // them loading, not "No courses match these filters."
        loading = true;
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
                instructorText = instructor?.Email;
            }
            catch (Exception e) when (DatabaseErrors.Describe(e) is not null)
            {
                instructor = null;
            }
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender && actor is not null)
        {
            await LoadAsync();
            StateHasChanged();
        }
    }

    private int ColumnCount => actor is { IsAdmin: true } ? 9 : 8;

    private string? AriaSort(CourseSort column) => column != sort ? null : descending ? "descending" : "ascending";

    private CourseFilter Filter() => new(
        Search: string.IsNullOrWhiteSpace(search) ? null : search.Trim(),
        Published: published switch { "true" => true, "false" => false, _ => null },
        InstructorId: instructor?.UserId,
        Difficulty: string.IsNullOrEmpty(difficulty) ? null : difficulty,
        PassingScore: passingScore, MinPrice: minPrice, MaxPrice: maxPrice);

    // Loads the page the fields say (sort, page, size, filters); a newer load cancels an older one still running.
    private async Task LoadAsync()
    {
        if (actor is null) return;
        loadingPage?.Cancel();
        using var mine = CancellationTokenSource.CreateLinkedTokenSource(cancellation.Token);
        loadingPage = mine;
        loading = true;
        try
        {
            var filter = Filter();
            var known = counted is { } c && c.Filter == filter ? c.Total : (int?)null;
            var page = await Queries.PageAsync(actor, new CoursePageRequest(filter, sort, descending, currentPage, pageSize, known), mine.Token);
            counted = (filter, page.TotalCount);
            (rows, total, loadError) = (page.Rows.ToList(), page.TotalCount, null);
            if (rows.Count == 0 && total > 0 && currentPage > 0)
            {
                // The page is past the end (rows were deleted, or an old link): show the last page instead.
                currentPage = (total - 1) / pageSize;
                await LoadAsync();
                return;
            }
            KeepInUrl(currentPage, pageSize);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e)
        {
            loadError = PageErrors.Describe(Logger, e, "the courses cannot be shown");
            (rows, total) = ([], 0);
        }
        finally
        {
            if (ReferenceEquals(loadingPage, mine))
            {
                loading = false;
                loadingPage = null;
            }
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

    private Task ReloadFromFirstPageAsync()
    {
        currentPage = 0;
        return LoadAsync();
    }

    private Task SortByAsync(CourseSort column)
    {
        (descending, sort) = (column == sort && !descending, column);
        return ReloadFromFirstPageAsync();
    }

    private bool OnFirstPage => currentPage == 0;
    private bool OnLastPage => (currentPage + 1) * pageSize >= total;

    private string RangeText()
    {
        var first = total == 0 ? 0 : currentPage * pageSize + 1;
        var last = Math.Min((currentPage + 1) * pageSize, total);
        return $"{first.ToString("N0", Us)}-{last.ToString("N0", Us)} of {total.ToString("N0", Us)}";
    }

    private Task GoToAsync(Page page)
    {
        var lastPage = Math.Max(0, (total - 1) / pageSize);
        currentPage = page switch
        {
            Page.First => 0,
            Page.Previous => Math.Max(0, currentPage - 1),
            Page.Next => Math.Min(lastPage, currentPage + 1),
            _ => lastPage,
        };
        return LoadAsync();
    }

    private Task PageSizeChangedAsync(ChangeEventArgs e)
    {
        if (!int.TryParse(e.Value?.ToString(), out var size) || !PageSizes.Contains(size)) return Task.CompletedTask;
        pageSize = size;
        return ReloadFromFirstPageAsync();
    }

    // Typing reloads 300 ms after the last key (a newer key cancels the wait).
    private async Task SearchInputAsync(ChangeEventArgs e)
    {
        search = e.Value?.ToString();
        if (await searchPause.WaitAsync(cancellation.Token)) await ReloadFromFirstPageAsync();
    }

    private Task ClearSearchAsync()
    {
        searchPause.Cancel();
        search = null;
        return ReloadFromFirstPageAsync();
    }

    private Task PublishedChangedAsync(ChangeEventArgs e)
    {
        published = e.Value?.ToString() is "true" or "false" ? e.Value.ToString() : "";
        return ReloadFromFirstPageAsync();
    }

    private Task DifficultyChangedAsync(ChangeEventArgs e)
    {
        difficulty = CourseRules.Difficulties.Contains(e.Value?.ToString()) ? e.Value!.ToString() : "";
        return ReloadFromFirstPageAsync();
    }

    // Numbers as the number inputs send them (invariant, "" when empty or not a number); out of range is brought in range.
    private Task PassingScoreChangedAsync(ChangeEventArgs e)
    {
        passingScore = int.TryParse(e.Value?.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var score) ? Math.Clamp(score, 0, 100) : null;
        return ReloadFromFirstPageAsync();
    }

    private Task MinPriceChangedAsync(ChangeEventArgs e)
    {
        minPrice = Price(e);
        return ReloadFromFirstPageAsync();
    }

    private Task MaxPriceChangedAsync(ChangeEventArgs e)
    {
        maxPrice = Price(e);
        return ReloadFromFirstPageAsync();
    }

    private static decimal? Price(ChangeEventArgs e) =>
        decimal.TryParse(e.Value?.ToString(), NumberStyles.Number, CultureInfo.InvariantCulture, out var price) ? Math.Max(0, price) : null;

    // Typing asks for matching instructors 250 ms after the last key; a suggestion picked (the whole email typed) filters.
    private async Task InstructorInputAsync(ChangeEventArgs e)
    {
        instructorText = e.Value?.ToString();
        if (!await instructorPause.WaitAsync(cancellation.Token)) return;
        try
        {
            instructorOptions = await SearchInstructorsAsync(instructorText, cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        if (Matching(instructorText) is { } picked && picked != instructor) await ChooseInstructorAsync(picked);
    }

    private Task InstructorChosenAsync(ChangeEventArgs e)
    {
        instructorText = e.Value?.ToString();
        if (string.IsNullOrWhiteSpace(instructorText)) return ChooseInstructorAsync(null);
        if (Matching(instructorText) is { } picked) return picked == instructor ? Task.CompletedTask : ChooseInstructorAsync(picked);
        if (string.Equals(instructorText.Trim(), instructor?.Email, StringComparison.OrdinalIgnoreCase)) return Task.CompletedTask;
        instructorProblem = "Pick an instructor from the suggestions; the list still shows the previous filter.";
        return Task.CompletedTask;
    }

    private InstructorOption? Matching(string? text) =>
        instructorOptions.FirstOrDefault(o => string.Equals(o.Email, text?.Trim(), StringComparison.OrdinalIgnoreCase));

    private Task ClearInstructorAsync()
    {
        instructorPause.Cancel();
        instructorText = null;
        return ChooseInstructorAsync(null);
    }

    private Task ChooseInstructorAsync(InstructorOption? value)
    {
        (instructor, instructorProblem) = (value, null);
        if (value is not null) instructorText = value.Email;
        return ReloadFromFirstPageAsync();
    }

    private Task ClearFiltersAsync()
    {
        (search, published, difficulty, passingScore, minPrice, maxPrice, instructor) = (null, "", "", null, null, null, null);
        (instructorText, instructorProblem) = (null, null);
        return ReloadFromFirstPageAsync();
    }

    private async Task<IReadOnlyList<InstructorOption>> SearchInstructorsAsync(string? text, CancellationToken ct)
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

    // The grid row changes in place: no reload, the page and scroll position stay.
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
        if ((await dialog.Result) is { Canceled: false }) await ReloadCountingAsync();
    }

    private async Task EditAsync(CourseRow row)
    {
        var dialog = await Dialogs.ShowAsync<CourseDialog>($"Edit {row.Title}",
            new DialogParameters<CourseDialog> { { d => d.Actor, actor }, { d => d.CourseId, row.CourseId } },
            new DialogOptions { MaxWidth = MaxWidth.Medium, FullWidth = true });
        if ((await dialog.Result) is { Canceled: false }) await ReloadCountingAsync();
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
            if (result.Deleted) await ReloadCountingAsync();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Snackbar.Add(PageErrors.Describe(Logger, e, "the course was not deleted"), Severity.Error);
        }
    }

    // After a create, edit or delete the filter's count may have changed.
    private Task ReloadCountingAsync()
    {
        counted = null;
        return LoadAsync();
    }

    public void Dispose()
    {
        cancellation.Cancel();
        cancellation.Dispose();
    }
}
