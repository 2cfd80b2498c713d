using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.JSInterop;
using MudBlazor;
using TechCourse.Admin.Components.Display;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Infrastructure.Database;
using TechCourse.Admin.Infrastructure.Reliability;

namespace TechCourse.Admin.Features.Users;

// Search, role and sort live in the query string; pages are keyset pages, so the page itself does not.
public sealed partial class UsersPage : IDisposable
{
    private const string AllRoles = "";
    private readonly CancellationTokenSource cancellation = new();
    // Keyset paging: the cursor that starts each page reached so far, so Previous goes back without OFFSET.
    private List<UserCursor?> pageStarts = [null];
    private int pageIndex;
    private MudTable<UserRow>? table;
    private UserPage? page;
    private long? estimate;
    private string? search;
    private string role = AllRoles;
    private UserSort sort = UserSort.CreatedNewest;
    private string? error;
    private string? focusAfterRender;

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = null!;

    [SupplyParameterFromQuery(Name = "q")] public string? Q { get; set; }
    [SupplyParameterFromQuery(Name = "role")] public string? RoleQuery { get; set; }
    [SupplyParameterFromQuery(Name = "sort")] public string? SortQuery { get; set; }

    // The first page as prerendering loaded it, handed to the grid's first interactive load so it does not query again.
    [PersistentState] public UserPage? FirstPage { get; set; }

    private UserFilter Filter => new(string.IsNullOrWhiteSpace(search) ? null : search.Trim(), role == AllRoles ? null : role, sort);

    private string RangeText => page is null || page.Rows.Count == 0 ? "" :
        $"{Shown.Count(pageIndex * UsersQueries.PageSize + 1)}–{Shown.Count(pageIndex * UsersQueries.PageSize + page.Rows.Count)} of " +
        (page.Next is null && pageIndex == 0 ? Shown.Count(page.Rows.Count) : estimate is { } e && e > 0 ? $"about {Shown.Count(e)}" : "many");

    protected override async Task OnInitializedAsync()
    {
        search = Q;
        role = StaffRoles.All.Contains(RoleQuery) ? RoleQuery! : AllRoles;
        sort = Enum.TryParse<UserSort>(SortQuery, ignoreCase: true, out var s) ? s : UserSort.CreatedNewest;
        if (FirstPage is not null || RendererInfo.IsInteractive) return;
        page = await GuardAsync(() => Queries.PageAsync(Filter, null, cancellation.Token));
        FirstPage = page;
        estimate = page?.Estimate;
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender && (await Zone.GetAsync(cancellation.Token)) != TimeZoneInfo.Utc) StateHasChanged();
        if (focusAfterRender is { } selector)
        {
            focusAfterRender = null;
            await JS.InvokeVoidAsync("techCourse.focus", selector);
        }
    }

    // The grid's ServerData: the sort label and direction become the query's sort; page i starts at the cursor the page
    // before it ended on (keyset), so the table walks forward one page at a time and back through the cursors it kept.
    private async Task<TableData<UserRow>> LoadPageAsync(TableState state, CancellationToken ct)
    {
        var sorted = SortFrom(state);
        if (sorted != sort)
        {
            (sort, pageStarts) = (sorted, [null]);
            // A new sort starts again at the first page (the table keeps its page when a column is sorted).
            if (state.Page != 0 && table is not null)
            {
                table.NavigateTo(Page.First);
                return new TableData<UserRow> { Items = page?.Rows ?? [], TotalItems = table.GetFilteredItemsCount() };
            }
        }
        var index = Math.Min(state.Page, pageStarts.Count);
        if (index == pageStarts.Count) pageStarts.Add(page?.Next);
        UserPage? loaded = FirstPage;
        FirstPage = null;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, cancellation.Token);
        loaded ??= await GuardAsync(() => Queries.PageAsync(Filter, index == 0 ? null : pageStarts[index], linked.Token));
        if (loaded is null)
        {
            StateHasChanged(); // the error above the grid
            return new TableData<UserRow> { Items = [], TotalItems = 0 };
        }
        (page, pageIndex) = (loaded, index);
        if (index == 0) estimate = loaded.Estimate;
        KeepInUrl();
        // The pager is this page's own (keyset): the table is told of the rows up to this page and one more if there is a next.
        return new TableData<UserRow> { Items = loaded.Rows, TotalItems = index * UsersQueries.PageSize + loaded.Rows.Count + (loaded.Next is null ? 0 : 1) };
    }

    private UserSort SortFrom(TableState state) => (state.SortLabel, state.SortDirection) switch
    {
        ("email", SortDirection.Ascending) => UserSort.EmailAscending,
        ("email", SortDirection.Descending) => UserSort.EmailDescending,
        ("created", SortDirection.Ascending) => UserSort.CreatedOldest,
        ("created", SortDirection.Descending) => UserSort.CreatedNewest,
        _ => sort,
    };

    private void KeepInUrl()
    {
        var url = Navigation.GetUriWithQueryParameters(new Dictionary<string, object?>
        {
            ["q"] = string.IsNullOrWhiteSpace(search) ? null : search.Trim(),
            ["role"] = role == AllRoles ? null : role,
            ["sort"] = sort == UserSort.CreatedNewest ? null : sort.ToString().ToLowerInvariant(),
        });
        if (!string.Equals(url, Navigation.Uri, StringComparison.Ordinal)) Navigation.NavigateTo(url, replace: true);
    }

    private async Task GoToAsync(Page target)
    {
        if (table is null) return;
        if (target == Page.First && table.CurrentPage == 0) await table.ReloadServerData();
        else table.NavigateTo(target);
    }

    private async Task ReloadAsync()
    {
        pageStarts = [null];
        if (table is null) return;
        if (table.CurrentPage != 0) table.NavigateTo(Page.First);
        else await table.ReloadServerData();
    }

    private Task SearchChangedAsync(string? value)
    {
        search = value;
        return ReloadAsync();
    }

    private Task RoleChangedAsync(string value)
    {
        role = value;
        return ReloadAsync();
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
            error = PageErrors.Describe(Logger, e, "the users cannot be shown");
            return null;
        }
    }

    private async Task<Actor> ActorAsync() => Actor.From((await AuthenticationState).User) ?? throw new InvalidOperationException("Not signed in.");

    private async Task CreateAsync()
    {
        var dialog = await Dialogs.ShowAsync<CreateUserDialog>("New user", new DialogParameters<CreateUserDialog> { { d => d.Actor, await ActorAsync() } });
        var result = await dialog.Result;
        focusAfterRender = "[data-testid='new-user']";
        if (result is { Canceled: false })
        {
            Snackbar.Add("User created.", Severity.Success);
            await ReloadAsync();
        }
        StateHasChanged();
    }

    private async Task ChangeRoleAsync(UserRow user)
    {
        var dialog = await Dialogs.ShowAsync<ChangeRoleDialog>("Change role",
            new DialogParameters<ChangeRoleDialog> { { d => d.Actor, await ActorAsync() }, { d => d.User, user } });
        var result = await dialog.Result;
        focusAfterRender = $"[data-testid='role-{user.UserId}']";
        if (result is { Canceled: false, Data: string newRole })
        {
            Snackbar.Add(user.Role == StaffRoles.Student && newRole != StaffRoles.Student
                ? $"{user.Email} is now {newRole}. Use “Reset password” to give them a password to sign in with."
                : $"{user.Email} is now {newRole}.", Severity.Success);
            if (table is not null) await table.ReloadServerData();
        }
        StateHasChanged();
    }

    private async Task ResetPasswordAsync(UserRow user)
    {
        var dialog = await Dialogs.ShowAsync<ResetPasswordDialog>("Reset password",
            new DialogParameters<ResetPasswordDialog> { { d => d.Actor, await ActorAsync() }, { d => d.User, user } });
        var result = await dialog.Result;
        focusAfterRender = $"[data-testid='reset-{user.UserId}']";
        if (result is { Canceled: false }) Snackbar.Add($"{user.Email} has a new password.", Severity.Success);
        StateHasChanged();
    }

    private async Task RemoveAsync(UserRow user)
    {
        var dialog = await Dialogs.ShowAsync<RemoveUserDialog>("Remove user",
            new DialogParameters<RemoveUserDialog> { { d => d.Actor, await ActorAsync() }, { d => d.User, user } });
        var result = await dialog.Result;
        focusAfterRender = $"[data-testid='remove-{user.UserId}']";
        if (result is { Canceled: false, Data: string what })
        {
            Snackbar.Add($"{user.Email} was {what}.", Severity.Success);
            focusAfterRender = "[data-testid='new-user']";
            if (table is not null) await table.ReloadServerData();
        }
        StateHasChanged();
    }

    public void Dispose()
    {
        cancellation.Cancel();
        cancellation.Dispose();
    }
}
