using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using TechCourse.Admin.Components.Display;
using TechCourse.Admin.Features.Users;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Infrastructure.Database;
using TechCourse.Admin.Infrastructure.Reliability;
using TechCourse.Admin.Infrastructure.Time;

namespace TechCourse.Admin.Features.Enrollments;

// The filters live in the query string (course id, student id, days in the viewer's zone), so a view can be shared.
public sealed partial class EnrollmentsPage : IDisposable
{
    private readonly CancellationTokenSource cancellation = new();
    private readonly List<EnrollmentRow> rows = [];
    private MudTable<EnrollmentRow>? table;
    private EnrollmentCursor? next;
    private bool loadMore;
    private long? estimate;
    private Actor? actor;
    private CourseChoice? course;
    private UserChoice? student;
    private DateTime? from, to;
    private string? error;

    [Inject] private EnrollmentsQueries Queries { get; set; } = null!;
    [Inject] private UsersQueries Users { get; set; } = null!;
    [Inject] private ViewerTimeZone Zone { get; set; } = null!;
    [Inject] private NavigationManager Navigation { get; set; } = null!;
    [Inject] private ILogger<EnrollmentsPage> Logger { get; set; } = null!;
    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = null!;

    [SupplyParameterFromQuery(Name = "course")] public int? CourseQuery { get; set; }
    [SupplyParameterFromQuery(Name = "student")] public Guid? StudentQuery { get; set; }
    [SupplyParameterFromQuery(Name = "from")] public string? FromQuery { get; set; }
    [SupplyParameterFromQuery(Name = "to")] public string? ToQuery { get; set; }

    // The first page as prerendering loaded it, handed to the grid's first interactive load so it does not query again.
    [PersistentState] public EnrollmentPage? FirstPage { get; set; }

    private EnrollmentFilter Filter => new(course?.CourseId, student?.UserId, StartOfDay(from), StartOfDay(to?.AddDays(1)));

    private string RangeText => rows.Count == 0 && FirstPage is null ? "" :
        $"Showing 1–{Shown.Count(Math.Max(rows.Count, FirstPage?.Rows.Count ?? 0))} of " +
        (next is null ? Shown.Count(Math.Max(rows.Count, FirstPage?.Rows.Count ?? 0)) : estimate is > 0 ? $"about {Shown.Count(estimate.Value)}" : "many");

    private DateTimeOffset? StartOfDay(DateTime? day) => day is { } d
        ? new DateTimeOffset(d.Date, Zone.Current.GetUtcOffset(DateTime.SpecifyKind(d.Date, DateTimeKind.Unspecified))).ToUniversalTime()
        : null;

    protected override async Task OnInitializedAsync()
    {
        actor = Actor.From((await AuthenticationState).User);
        from = Day(FromQuery);
        to = Day(ToQuery);
        try
        {
            if (actor is not null && CourseQuery is { } c) course = await Queries.CourseAsync(actor, c, cancellation.Token);
            if (actor is not null && StudentQuery is { } s) student = await Users.StudentAsync(actor, s, cancellation.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            error = PageErrors.Describe(Logger, e, "the filter cannot be shown");
        }
        if (FirstPage is { } restored) (next, estimate) = (restored.Next, restored.Estimate);
        if (FirstPage is not null || RendererInfo.IsInteractive || actor is null) return;
        var page = await GuardAsync(() => Queries.PageAsync(actor, Filter, null, cancellation.Token));
        if (page is not null) (FirstPage, next, estimate) = (page, page.Next, page.Estimate);
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender && (await Zone.GetAsync(cancellation.Token)) != TimeZoneInfo.Utc) StateHasChanged();
    }

    private static DateTime? Day(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day.ToDateTime(TimeOnly.MinValue) : null;

    // The grid's ServerData: the rows shown so far, plus the next keyset page when "Load 50 more" asked for it.
    private async Task<TableData<EnrollmentRow>> LoadAsync(TableState state, CancellationToken ct)
    {
        if (FirstPage is { } prerendered)
        {
            FirstPage = null;
            rows.AddRange(prerendered.Rows);
            (next, estimate) = (prerendered.Next, prerendered.Estimate);
        }
        else if (actor is not null)
        {
            var after = loadMore ? next : null;
            loadMore = false;
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, cancellation.Token);
            var page = await GuardAsync(() => Queries.PageAsync(actor, Filter, after, linked.Token));
            if (page is not null)
            {
                if (after is null) rows.Clear();
                rows.AddRange(page.Rows);
                next = page.Next;
                estimate = page.Estimate ?? estimate;
            }
        }
        KeepInUrl();
        StateHasChanged(); // the count above the grid and "Load 50 more" follow the rows
        return new TableData<EnrollmentRow> { Items = rows, TotalItems = rows.Count };
    }

    private void KeepInUrl()
    {
        var url = Navigation.GetUriWithQueryParameters(new Dictionary<string, object?>
        {
            ["course"] = course?.CourseId,
            ["student"] = student?.UserId.ToString(),
            ["from"] = from?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["to"] = to?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        });
        if (!string.Equals(url, Navigation.Uri, StringComparison.Ordinal)) Navigation.NavigateTo(url, replace: true);
    }

    private async Task<IEnumerable<CourseChoice>> SearchCoursesAsync(string? term, CancellationToken ct) =>
        await Queries.CoursesMatchingAsync(term, publishedOnly: false, ct);

    private async Task<IEnumerable<UserChoice>> SearchStudentsAsync(string? term, CancellationToken ct) => await Users.StudentsMatchingAsync(term, ct);

    private Task CourseFilterChangedAsync(CourseChoice? value) { course = value; return ReloadAsync(); }
    private Task StudentFilterChangedAsync(UserChoice? value) { student = value; return ReloadAsync(); }
    private Task FromChangedAsync(DateTime? value) { from = value; return ReloadAsync(); }
    private Task ToChangedAsync(DateTime? value) { to = value; return ReloadAsync(); }
    private Task SavedAsync(int enrollmentId) => ReloadAsync();

    private async Task ReloadAsync()
    {
        loadMore = false;
        next = null;
        estimate = null;
        if (table is not null) await table.ReloadServerData();
    }

    private async Task LoadMoreAsync()
    {
        loadMore = true;
        if (table is not null) await table.ReloadServerData();
    }

    private async Task<T?> GuardAsync<T>(Func<Task<T>> action) where T : class
    {
        try
        {
            error = null;
            return await action();
        }
        catch (OperationCanceledException)
        {
            return null;
        }
        catch (Exception e)
        {
            error = PageErrors.Describe(Logger, e, "the enrollments cannot be shown");
            return null;
        }
    }

    public void Dispose()
    {
        cancellation.Cancel();
        cancellation.Dispose();
    }
}
