using TechCourse.Admin.Infrastructure.Database;
using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using TechCourse.Admin.Infrastructure.Reliability;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Infrastructure.Time;

namespace TechCourse.Admin.Features.Audit;

public sealed partial class AuditPage
{
    // A screenful of entries per page ("Load older" adds the next): every entry's components stay in the circuit.
    private const int PageSize = 25;
    private static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("en-US");
    private readonly CancellationTokenSource cancellation = new();
    private readonly HashSet<int> fresh = [];
    private readonly HashSet<int> pending = [];
    private readonly List<(long From, long To)> pendingRanges = [];
    private readonly Lock pendingGate = new();
    private List<AuditEntry>? entries;
    private MudTable<AuditEntry>? table;
    // A new filter gets a new grid (its first load shows the new entries); live changes reload the same one.
    private int generation;
    private TableGroupDefinition<AuditEntry> byDay = null!;
    private AuditCursor? next;
    private AuditFilter filter = AuditFilter.None;
    private Actor? viewer;
    private IDisposable? subscription;
    private IntegrityReport? verification;
    private ChangeEffect? effect;
    private int? effectFor;
    private string? error;
    private bool loading, verifying, refreshScheduled;

    [Inject] private AuditQueries Queries { get; set; } = default!;
    [Inject] private AuditIntegrity Integrity { get; set; } = default!;
    [Inject] private AuditLiveFeed Feed { get; set; } = default!;
    [Inject] private DatabaseStatus Status { get; set; } = default!;
    [Inject] private ViewerTimeZone Zone { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private ILogger<AuditPage> Logger { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState>? AuthenticationState { get; set; }

    [SupplyParameterFromQuery(Name = "course")] public string? CourseParameter { get; set; }
    [SupplyParameterFromQuery(Name = "instructor")] public string? InstructorParameter { get; set; }
    [SupplyParameterFromQuery(Name = "actor")] public string? ActorParameter { get; set; }
    [SupplyParameterFromQuery(Name = "from")] public string? FromParameter { get; set; }
    [SupplyParameterFromQuery(Name = "to")] public string? ToParameter { get; set; }
    [SupplyParameterFromQuery(Name = "direction")] public string? DirectionParameter { get; set; }
    [SupplyParameterFromQuery(Name = "minpct")] public string? MinPercentParameter { get; set; }

    private string ExportHref => $"{AuditExport.Path}?{AuditFilterQuery.ToQueryString(filter, withTimeZone: true)}";

    protected override void OnInitialized() =>
        byDay = new TableGroupDefinition<AuditEntry> { Selector = e => DateOnly.FromDateTime(Zone.ToViewer(e.ChangedAt).DateTime), Expandable = false };

    // The grid's ServerData: the entries loaded so far ("Load older" adds keyset pages, live changes merge in).
    private Task<TableData<AuditEntry>> ShowEntries(TableState state, CancellationToken ct) =>
        Task.FromResult(new TableData<AuditEntry> { Items = entries ?? [], TotalItems = entries?.Count ?? 0 });

    private Task ShowAsync() => table?.ReloadServerData() ?? Task.CompletedTask;

    protected override async Task OnParametersSetAsync()
    {
        if (AuthenticationState is not null) viewer ??= Actor.From((await AuthenticationState).User);
        var query = new Dictionary<string, Microsoft.Extensions.Primitives.StringValues>
        {
            ["course"] = CourseParameter, ["instructor"] = InstructorParameter, ["actor"] = ActorParameter, ["from"] = FromParameter,
            ["to"] = ToParameter, ["direction"] = DirectionParameter, ["minpct"] = MinPercentParameter,
        };
        var parsed = AuditFilterQuery.Parse(query, Zone.Current.Id);
        if (parsed == filter && entries is not null) return;
        filter = parsed;
        await ReloadAsync();
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!firstRender) return;
        subscription = Feed.Subscribe(OnNoticeAsync);
        var zone = await Zone.GetAsync(cancellation.Token);
        if (zone.Id != filter.TimeZone)
        {
            filter = filter with { TimeZone = zone.Id };
            if (filter.From is not null || filter.To is not null) await ReloadAsync();
            StateHasChanged();
        }
    }

    private async Task ReloadAsync()
    {
        if (viewer is null) return;
        entries = null;
        generation++;
        effectFor = null;
        await LoadAsync(after: null);
    }

    private async Task LoadOlderAsync() => await LoadAsync(next);

    private async Task LoadAsync(AuditCursor? after)
    {
        loading = true;
        error = null;
        try
        {
            var page = await Queries.PageAsync(viewer!, filter, after, PageSize, cancellation.Token);
            entries = after is null ? [.. page.Entries] : [.. entries ?? [], .. page.Entries.Where(e => entries?.All(x => x.LogId != e.LogId) ?? true)];
            next = page.Next;
            await ShowAsync();
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            entries ??= [];
            error = PageErrors.Describe(Logger, e, "the log cannot be shown");
        }
        finally
        {
            loading = false;
        }
    }

    private Task NavigateToFilterAsync(AuditFilter changed)
    {
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(AuditFilterQuery.ToQuery(changed)));
        return Task.CompletedTask;
    }

    // Notifications arrive on the listener's thread: collect the ids and refresh at most every 250 ms.
    private Task OnNoticeAsync(AuditNotice notice)
    {
        if (notice.Kind == AuditNoticeKind.LiveChanged) return InvokeAsync(StateHasChanged);
        lock (pendingGate)
        {
            if (notice.Kind == AuditNoticeKind.Entry) pending.Add(notice.LogId);
            else if (notice.Kind == AuditNoticeKind.Sealed) pendingRanges.Add((notice.FromSeq, notice.ToSeq));
            else pending.Add(-1);
            if (refreshScheduled) return Task.CompletedTask;
            refreshScheduled = true;
        }
        return InvokeAsync(async () =>
        {
            await Task.Delay(250, cancellation.Token);
            int[] ids;
            (long From, long To)? range;
            lock (pendingGate)
            {
                ids = [.. pending];
                range = pendingRanges.Count == 0 ? null : (pendingRanges.Min(r => r.From), pendingRanges.Max(r => r.To));
                pending.Clear();
                pendingRanges.Clear();
                refreshScheduled = false;
            }
            await MergeAsync(ids, range);
        });
    }

    private async Task MergeAsync(int[] ids, (long From, long To)? range)
    {
        if (viewer is null || entries is null) return;
        try
        {
            var arrived = new List<AuditEntry>();
            if (ids.Contains(-1)) arrived.AddRange((await Queries.PageAsync(viewer, filter, null, PageSize, cancellation.Token)).Entries);
            else if (ids.Length > 0) arrived.AddRange(await Queries.EntriesAsync(viewer, filter, ids, cancellation.Token));
            if (range is { } r) arrived.AddRange(await Queries.SealedAsync(viewer, filter, r.From, r.To, cancellation.Token));
            var oldestShown = next is null ? null : entries.LastOrDefault()?.Cursor;
            var sealedNow = arrived.Where(e => e.SealSeq is not null).DistinctBy(e => e.LogId).ToDictionary(e => e.LogId);
            if (sealedNow.Count > 0) entries = [.. entries.Select(e => e.SealSeq is null && sealedNow.TryGetValue(e.LogId, out var s) ? s : e)];
            var added = arrived.DistinctBy(e => e.LogId).Where(e => entries.All(x => x.LogId != e.LogId))
                .Where(e => oldestShown is null || (e.ChangedAt, e.LogId).CompareTo((oldestShown.ChangedAt, oldestShown.LogId)) > 0).ToList();
            if (added.Count == 0)
            {
                await ShowAsync();
                StateHasChanged();
                return;
            }
            foreach (var entry in added) fresh.Add(entry.LogId);
            entries = [.. entries.Concat(added).OrderByDescending(e => e.ChangedAt).ThenByDescending(e => e.LogId)];
            await ShowAsync();
            StateHasChanged();
        }
        catch (Exception e) when (!cancellation.IsCancellationRequested)
        {
            error = PageErrors.Describe(Logger, e, "a new price change cannot be shown (reload the page to see it)");
            StateHasChanged();
        }
    }

    private async Task VerifyAsync()
    {
        // The chain spans every course: its size and state are not an instructor's to see.
        if (viewer?.IsAdmin != true) return;
        verifying = true;
        verification = null;
        try
        {
            verification = await Integrity.VerifyAsync(cancellation.Token, seal: !Status.IsStandby);
        }
        // The checkpoint file is the app's own (not the database's): its problem is told as it is, to an admin.
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException && !cancellation.IsCancellationRequested)
        {
            Logger.LogWarning("The integrity check could not use the checkpoint file: {Problem}", e.Message);
            error = $"The integrity check could not read or write the checkpoint file: {e.Message}";
        }
        catch (Exception e) when (!cancellation.IsCancellationRequested)
        {
            error = PageErrors.Describe(Logger, e, "the integrity check could not finish");
        }
        finally
        {
            verifying = false;
        }
    }

    private async Task ToggleEffectAsync(AuditEntry entry)
    {
        if (effectFor == entry.LogId)
        {
            effectFor = null;
            return;
        }
        effectFor = entry.LogId;
        effect = null;
        try
        {
            effect = await Queries.EffectAsync(viewer!, entry.LogId, cancellation.Token);
        }
        catch (Exception e) when (!cancellation.IsCancellationRequested)
        {
            error = PageErrors.Describe(Logger, e, "the enrollments around this change cannot be shown");
        }
    }

    // A new change of the course back to the price this entry set; the dialog shows the price now and who set it first.
    // The new entry arrives in the timeline through the live feed.
    private async Task RevertAsync(AuditEntry entry, decimal price)
    {
        await Dialogs.ShowAsync<Courses.RevertPriceDialog>("Revert to this price", new DialogParameters<Courses.RevertPriceDialog>
        {
            { d => d.Actor, viewer }, { d => d.CourseId, entry.CourseId }, { d => d.Target, price }, { d => d.SetAt, entry.ChangedAt }, { d => d.LogId, entry.LogId },
        }, Courses.RevertPriceDialog.Options);
    }

    private static Color DotColor(AuditEntry entry) => entry.Difference switch { > 0 => Color.Success, < 0 => Color.Warning, _ => Color.Default };

    private static string Money(decimal? value) => Components.Display.Shown.Money(value);

    private static string SignedMoney(decimal? value) => value switch
    {
        null => "—",
        >= 0 => "+" + Money(value),
        _ => "−" + Money(-value.Value),
    };

    private static string Signed(decimal? value) => value switch
    {
        null => "—",
        >= 0 => "+" + value.Value.ToString("0.##", Culture),
        _ => value.Value.ToString("0.##", Culture),
    };

    public async ValueTask DisposeAsync()
    {
        subscription?.Dispose();
        await cancellation.CancelAsync();
        cancellation.Dispose();
    }
}
