using Microsoft.AspNetCore.Components;
using TechCourse.Admin.Features.Audit;
using TechCourse.Admin.Features.Campaigns;

namespace TechCourse.Admin.Features.Courses;

// Picking courses for a bulk price change (ticked on any page, or every course matching the filter), and prices kept
// up to date while the page is open: a change made anywhere (another user, a campaign's start or end) shows in the
// grid's rows without a reload.
public sealed partial class CoursesPage
{
    private readonly HashSet<int> selectedIds = [];
    private bool selecting, allMatching;
    private IDisposable? priceNews;
    private int refreshingPrices;

    [Inject] private PriceNow Prices { get; set; } = null!;
    [Inject] private AuditLiveFeed AuditFeed { get; set; } = null!;

    [SupplyParameterFromQuery(Name = "select")] public bool? SelectQuery { get; set; }

    private void ToggleSelecting()
    {
        selecting = !selecting;
        if (!selecting) ClearSelection();
    }

    private void ClearSelection()
    {
        selectedIds.Clear();
        allMatching = false;
    }

    private void Select(CourseRow row, bool on)
    {
        if (on) selectedIds.Add(row.CourseId);
        else selectedIds.Remove(row.CourseId);
    }

    // The header box: ticked when every row of the page is, empty when none is, in between otherwise.
    private bool? PageSelection => allMatching || (rows.Count > 0 && rows.All(r => selectedIds.Contains(r.CourseId))) ? true
        : rows.Any(r => selectedIds.Contains(r.CourseId)) ? null : false;

    private void SelectPage(bool? on)
    {
        if (allMatching) return;
        var select = PageSelection != true;
        foreach (var row in rows)
            if (select) selectedIds.Add(row.CourseId);
            else selectedIds.Remove(row.CourseId);
    }

    private void SelectAllMatching()
    {
        allMatching = true;
        selectedIds.Clear();
    }

    private void ChangeSelectedPrices()
    {
        if (allMatching) Navigation.NavigateTo($"/campaigns/new?{CourseSelectionQuery.ToQueryString(Filter())}");
        else if (selectedIds.Count > 0) Navigation.NavigateTo($"/campaigns/new?{CourseSelectionQuery.ToQueryString(selectedIds)}");
    }

    // Every notice may mean a moved price; a resync (notices were missed while nobody listened) certainly may.
    private void SubscribeToPriceChanges() =>
        priceNews = AuditFeed.Subscribe(_ => RefreshPricesAsync());

    // New log entries were announced: the shown rows' prices are read again (one lookup by key) and the rows whose
    // price moved are replaced; the row being edited is left alone.
    private Task RefreshPricesAsync()
    {
        if (Interlocked.Exchange(ref refreshingPrices, 1) == 1) return Task.CompletedTask;
        return InvokeAsync(async () =>
        {
            try
            {
                await Task.Delay(150, cancellation.Token);
                var shown = rows.Select(r => r.CourseId).ToArray();
                var now = await Prices.PricesAsync(shown, cancellation.Token);
                var changed = false;
                for (var i = 0; i < rows.Count; i++)
                    if (rows[i].CourseId != editingPriceOf && now.TryGetValue(rows[i].CourseId, out var price) && price != rows[i].Price)
                        (rows[i], changed) = (rows[i] with { Price = price }, true);
                if (changed) StateHasChanged();
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception e) when (Infrastructure.Database.DatabaseErrors.Describe(e) is not null)
            {
                // The next notice tries again; the grid keeps what it shows.
                Infrastructure.Reliability.PageErrors.Report(Logger, e, "the grid's prices were not refreshed");
            }
            finally
            {
                Interlocked.Exchange(ref refreshingPrices, 0);
            }
        });
    }
}
