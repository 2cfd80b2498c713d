using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.Options;
using MudBlazor;
using TechCourse.Admin.Infrastructure.Auth;

namespace TechCourse.Admin.Features.Sales;

public partial class SalesPage
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;
    private static readonly (string Key, string Label)[] Presets =
    [
        ("today", "Today"), ("7", "Last 7 days"), ("30", "Last 30 days"), ("90", "Last 90 days"),
        ("this-month", "This month"), ("last-month", "Last month"), ("this-year", "This year"), ("custom", "Custom range"),
    ];

    private const int ByDayTab = 0, InstructorsTab = 3;
    private const string PrerenderedDaysKey = "sales-days";

    private readonly CancellationTokenSource cancellation = new();
    private PersistingComponentStateSubscription persisting;
    private SalesScope scope = SalesScope.All;
    private string zone = "UTC";
    private string preset = "30";
    private DateTime? from, to;
    private int tab = ByDayTab;
    private string? error, rangeProblem;
    private IReadOnlyList<DaySales>? days;
    private IReadOnlyList<InstructorSales>? instructors;
    private SalesTotals dayTotals = new(0, 0), previousTotals = new(0, 0);
    private List<ChartSeries<double>> chartSeries = [];
    private string[] chartLabels = [];

    [Inject] private SalesQueries Queries { get; set; } = default!;
    [Inject] private ILogger<SalesPage> Logger { get; set; } = default!;
    [Inject] private IOptions<ReportingOptions> Reporting { get; set; } = default!;
    [Inject] private PersistentComponentState ApplicationState { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState>? AuthenticationState { get; set; }

    private SalesRange Range => new(DateOnly.FromDateTime(from ?? DateTime.Today), DateOnly.FromDateTime(to ?? DateTime.Today), zone);

    protected override async Task OnInitializedAsync()
    {
        zone = SalesTimeZones.IsKnown(Reporting.Value.TimeZone) ? Reporting.Value.TimeZone : "UTC";
        if (AuthenticationState is not null && Actor.From((await AuthenticationState).User) is { } actor) scope = SalesScope.For(actor);
        ApplyPreset();
        // The prerendered response carries its days, so the interactive render shows them without asking again.
        if (ApplicationState.TryTakeFromJson<PrerenderedDays>(PrerenderedDaysKey, out var prerendered)
            && prerendered is not null && prerendered.Range == Range && prerendered.InstructorId == scope.InstructorId)
            ShowDays(prerendered.Days);
        else
            await LoadAsync();
        persisting = ApplicationState.RegisterOnPersisting(() =>
        {
            if (days is not null) ApplicationState.PersistAsJson(PrerenderedDaysKey, new PrerenderedDays(Range, scope.InstructorId, days));
            return Task.CompletedTask;
        }, RenderMode.InteractiveServer);
    }

    private async Task TabChangedAsync(int index)
    {
        tab = index;
        await LoadAsync();
    }

    private async Task PresetChangedAsync(string value)
    {
        preset = value;
        ApplyPreset();
        await RangeChangedAsync();
    }

    private async Task FromChangedAsync(DateTime? value)
    {
        if (value == from) return;
        (from, preset) = (value, "custom");
        await RangeChangedAsync();
    }

    private async Task ToChangedAsync(DateTime? value)
    {
        if (value == to) return;
        (to, preset) = (value, "custom");
        await RangeChangedAsync();
    }

    private async Task ZoneChangedAsync(string? value)
    {
        if (!SalesTimeZones.IsKnown(value)) return;
        zone = value!;
        if (preset != "custom") ApplyPreset();
        await RangeChangedAsync();
    }

    private Task<IEnumerable<string>> SearchZones(string? text, CancellationToken ct) =>
        Task.FromResult(string.IsNullOrWhiteSpace(text) ? SalesTimeZones.All.AsEnumerable()
            : SalesTimeZones.All.Where(z => z.Contains(text.Trim().Replace(' ', '_'), StringComparison.OrdinalIgnoreCase)));

    private void ApplyPreset()
    {
        var today = SalesTimeZones.Today(zone);
        var (start, end) = preset switch
        {
            "today" => (today, today),
            "7" => (today.AddDays(-6), today),
            "90" => (today.AddDays(-89), today),
            "this-month" => (new DateOnly(today.Year, today.Month, 1), today),
            "last-month" => (new DateOnly(today.Year, today.Month, 1).AddMonths(-1), new DateOnly(today.Year, today.Month, 1).AddDays(-1)),
            "this-year" => (new DateOnly(today.Year, 1, 1), today),
            "custom" => (DateOnly.FromDateTime(from ?? today.ToDateTime(TimeOnly.MinValue)), DateOnly.FromDateTime(to ?? today.ToDateTime(TimeOnly.MinValue))),
            _ => (today.AddDays(-29), today),
        };
        (from, to) = (start.ToDateTime(TimeOnly.MinValue), end.ToDateTime(TimeOnly.MinValue));
    }

    private async Task RangeChangedAsync()
    {
        rangeProblem = Range.Problem();
        if (rangeProblem is not null) return;
        (days, instructors) = (null, null);
        await LoadAsync();
    }

    // Loads what the open tab shows, once per range: the other tabs wait until they are opened.
    private async Task LoadAsync()
    {
        rangeProblem = Range.Problem();
        if (rangeProblem is not null) return;
        error = null;
        var range = Range;
        var ct = cancellation.Token;
        try
        {
            switch (tab)
            {
                case ByDayTab when days is null:
                    var loadedDays = await Queries.ByDayAsync(range, scope, ct);
                    if (range == Range) ShowDays(loadedDays);
                    break;
                case InstructorsTab when instructors is null:
                    var loadedInstructors = await Queries.InstructorsInRangeAsync(range, scope, ct);
                    if (range == Range) instructors = loadedInstructors;
                    break;
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            error = SalesStatus.Describe(Logger, e, zone);
        }
    }

    // The course tabs page, sort and search in the database (SalesCourseGrid asks for each page itself; a new range is a new grid).
    private Task<CourseSalesPage> LoadAllTimePageAsync(CourseSalesPageRequest request, CancellationToken ct) =>
        Queries.ByCoursePageAsync(scope, request, ct);

    private Task<CourseSalesPage> LoadInRangePageAsync(CourseSalesPageRequest request, CancellationToken ct) =>
        Queries.CoursesInRangePageAsync(Range, scope, request, ct);

    private void ShowDays(IReadOnlyList<DaySales> loaded)
    {
        days = loaded;
        dayTotals = SalesTotals.Of(days, d => d.Enrollments, d => d.GrossRevenue);
        previousTotals = SalesTotals.Of(days, d => d.PreviousEnrollments, d => d.PreviousRevenue);
        chartLabels = days.Select((d, i) => days.Count <= 31 || i % (days.Count / 12 + 1) == 0 ? d.Day.ToString("MM-dd", Invariant) : "").ToArray();
        chartSeries =
        [
            new ChartSeries<double> { Name = "Gross revenue", Data = new ChartData<double>(days.Select(d => (double)d.GrossRevenue).ToArray()) },
            new ChartSeries<double> { Name = "Previous period", Data = new ChartData<double>(days.Select(d => (double)d.PreviousRevenue).ToArray()) },
        ];
    }

    private static string Money(decimal amount) => amount.ToString("N2", Invariant);

    private static string ChangeText(decimal current, decimal previous) =>
        previous == 0 ? "" : $", {((current - previous) / previous * 100).ToString("+0.0;-0.0;0.0", Invariant)} %";

    public void Dispose()
    {
        persisting.Dispose();
        cancellation.Cancel();
        cancellation.Dispose();
    }
}
