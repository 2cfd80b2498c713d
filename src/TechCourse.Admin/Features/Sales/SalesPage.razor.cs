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
    private BarChartOptions chartOptions = new();

    [Inject] private SalesQueries Queries { get; set; } = default!;
    [Inject] private ILogger<SalesPage> Logger { get; set; } = default!;
    [Inject] private IOptions<ReportingOptions> Reporting { get; set; } = default!;
    [Inject] private PersistentComponentState ApplicationState { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState>? AuthenticationState { get; set; }

    [SupplyParameterFromQuery(Name = "range")] public string? RangeQuery { get; set; }
    [SupplyParameterFromQuery(Name = "from")] public string? FromQuery { get; set; }
    [SupplyParameterFromQuery(Name = "to")] public string? ToQuery { get; set; }
    [SupplyParameterFromQuery(Name = "zone")] public string? ZoneQuery { get; set; }
    [SupplyParameterFromQuery(Name = "tab")] public int? TabQuery { get; set; }

    private SalesRange Range => new(DateOnly.FromDateTime(from ?? DateTime.Today), DateOnly.FromDateTime(to ?? DateTime.Today), zone);

    protected override async Task OnInitializedAsync()
    {
        zone = SalesTimeZones.IsKnown(ZoneQuery) ? ZoneQuery! : SalesTimeZones.IsKnown(Reporting.Value.TimeZone) ? Reporting.Value.TimeZone : "UTC";
        if (AuthenticationState is not null && Actor.From((await AuthenticationState).User) is { } actor) scope = SalesScope.For(actor);
        // The range, zone and tab come from the address, so a report can be bookmarked and shared.
        if (Presets.Any(p => p.Key == RangeQuery)) preset = RangeQuery!;
        if (preset == "custom") (from, to) = (Day(FromQuery), Day(ToQuery));
        tab = TabQuery is >= 0 and <= InstructorsTab ? TabQuery.Value : ByDayTab;
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

    private static DateTime? Day(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day.ToDateTime(TimeOnly.MinValue) : null;

    private void KeepInUrl()
    {
        var url = Navigation.GetUriWithQueryParameters(new Dictionary<string, object?>
        {
            ["range"] = preset == "30" ? null : preset,
            ["from"] = preset == "custom" ? from?.ToString("yyyy-MM-dd", Invariant) : null,
            ["to"] = preset == "custom" ? to?.ToString("yyyy-MM-dd", Invariant) : null,
            ["zone"] = zone == Reporting.Value.TimeZone ? null : zone,
            ["tab"] = tab == ByDayTab ? null : tab,
        });
        if (!string.Equals(url, Navigation.Uri, StringComparison.Ordinal)) Navigation.NavigateTo(url, replace: true);
    }

    private async Task TabChangedAsync(int index)
    {
        tab = index;
        KeepInUrl();
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

    private static Task<IEnumerable<string>> SearchZones(string? text, CancellationToken ct) => SalesTimeZones.Search(text, ct);

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
        KeepInUrl();
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
        chartLabels = days.Select(d => d.Day.ToString("MMM d", Invariant)).ToArray();
        // About ten date labels whatever the range: every day's label would overprint the next one.
        chartOptions = new BarChartOptions
        {
            XAxisLabelInterval = Math.Max(1, (int)Math.Ceiling(days.Count / 10.0)),
            YAxisToStringFunc = value => value.ToString("$#,0", Invariant),
            YAxisTitle = "USD",
            YAxisTicks = 0, // a round step for about five lines; the default step of 20 draws dozens of labels
            ShowLegend = true,
            ChartPalette = ["#594AE2", "#9E9E9E"],
        };
        chartSeries =
        [
            new ChartSeries<double> { Name = "Gross revenue", Data = new ChartData<double>(days.Select(d => (double)d.GrossRevenue).ToArray()) },
            new ChartSeries<double> { Name = "Previous period", Data = new ChartData<double>(days.Select(d => (double)d.PreviousRevenue).ToArray()) },
        ];
    }

    private static string Money(decimal amount) => Components.Display.Shown.Money(amount);

    private Task<TableData<DaySales>> ShowDays(TableState state, CancellationToken ct) =>
        Task.FromResult(new TableData<DaySales> { Items = days ?? [], TotalItems = days?.Count ?? 0 });

    private Task<TableData<InstructorSales>> ShowInstructors(TableState state, CancellationToken ct) =>
        Task.FromResult(new TableData<InstructorSales> { Items = instructors ?? [], TotalItems = instructors?.Count ?? 0 });

    private static string ChangeText(decimal current, decimal previous) =>
        previous == 0 ? "" : $", {((current - previous) / previous * 100).ToString("+0.0;-0.0;0.0", Invariant)} %";

    public void Dispose()
    {
        persisting.Dispose();
        cancellation.Cancel();
        cancellation.Dispose();
    }
}
