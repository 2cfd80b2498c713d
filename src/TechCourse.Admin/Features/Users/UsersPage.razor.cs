using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using TechCourse.Admin.Infrastructure.Reliability;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Infrastructure.Database;

namespace TechCourse.Admin.Features.Users;

public sealed partial class UsersPage : IDisposable
{
    private const string AllRoles = "";
    private static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("en-US");
    // Rows are plain elements styled as MudBlazor's (MudTd, MudLink, MudButton): 50 rows of components cost more to
    // prerender than the rest of the page.
    private const string RowAction = "mud-button-root mud-button mud-button-text mud-button-text-default mud-button-text-size-small mud-ripple";
    private const string RowRemove = "mud-button-root mud-button mud-button-text mud-button-text-error mud-button-text-size-small mud-ripple";
    private readonly CancellationTokenSource cancellation = new();
    // Keyset paging: the cursors that started each page before this one, so Previous goes back without OFFSET.
    private readonly List<UserCursor?> cursors = [];
    private UserCursor? current;
    private UserPage? page;
    private long? estimate;
    private string? search;
    private string role = AllRoles;
    private UserSort sort = UserSort.CreatedNewest;
    private bool loading = true;
    private string? error;

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = null!;

    // The first page as prerendering loaded it, handed to the interactive render so it does not query again.
    [PersistentState] public UserPage? FirstPage { get; set; }

    private UserFilter Filter => new(search, role == AllRoles ? null : role, sort);

    private string RangeText => page is null || page.Rows.Count == 0 ? "" :
        $"{cursors.Count * UsersQueries.PageSize + 1:N0}–{cursors.Count * UsersQueries.PageSize + page.Rows.Count:N0} of " +
        (page.Next is null && cursors.Count == 0 ? page.Rows.Count.ToString("N0", Culture) : estimate is { } e && e > 0 ? $"about {e.ToString("N0", Culture)}" : "many");

    protected override async Task OnInitializedAsync()
    {
        if (FirstPage is { } prerendered)
        {
            (page, estimate, loading) = (prerendered, prerendered.Estimate, false);
            return;
        }
        await ReloadAsync();
        if (!RendererInfo.IsInteractive) FirstPage = page;
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender && (await Zone.GetAsync(cancellation.Token)) != TimeZoneInfo.Utc) StateHasChanged();
    }

    private async Task SearchChangedAsync(string? value)
    {
        search = value;
        if (!string.IsNullOrWhiteSpace(value) && sort is UserSort.CreatedNewest) sort = UserSort.EmailAscending;
        await ReloadAsync();
    }

    private async Task RoleChangedAsync(string value) { role = value; await ReloadAsync(); }

    private async Task SortChangedAsync(UserSort value) { sort = value; await ReloadAsync(); }

    private async Task ReloadAsync()
    {
        cursors.Clear();
        current = null;
        estimate = null;
        await LoadAsync();
        estimate = page?.Estimate;
    }

    private async Task NextAsync()
    {
        cursors.Add(current);
        current = page!.Next;
        await LoadAsync();
    }

    private async Task PreviousAsync()
    {
        current = cursors[^1];
        cursors.RemoveAt(cursors.Count - 1);
        await LoadAsync();
    }

    private async Task FirstAsync() => await ReloadAsync();

    private async Task LoadAsync()
    {
        loading = true;
        await GuardAsync(async () => page = await Queries.PageAsync(Filter, current, cancellation.Token));
        loading = false;
    }

    private async Task GuardAsync(Func<Task> action)
    {
        try
        {
            error = null;
            await action();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            error = PageErrors.Describe(Logger, e, "the users cannot be shown");
        }
    }

    private async Task<Actor> ActorAsync() => Actor.From((await AuthenticationState).User) ?? throw new InvalidOperationException("Not signed in.");

    private async Task CreateAsync()
    {
        var dialog = await Dialogs.ShowAsync<CreateUserDialog>("New user", new DialogParameters<CreateUserDialog> { { d => d.Actor, await ActorAsync() } });
        if (await dialog.Result is { Canceled: false })
        {
            Snackbar.Add("User created.", Severity.Success);
            await ReloadAsync();
        }
    }

    private async Task ChangeRoleAsync(UserRow user)
    {
        var dialog = await Dialogs.ShowAsync<ChangeRoleDialog>("Change role",
            new DialogParameters<ChangeRoleDialog> { { d => d.Actor, await ActorAsync() }, { d => d.User, user } });
        if (await dialog.Result is { Canceled: false, Data: string newRole })
        {
            Snackbar.Add(user.Role == StaffRoles.Student && newRole != StaffRoles.Student
                ? $"{user.Email} is now {newRole}. Use “Reset password” to give them a password to sign in with."
                : $"{user.Email} is now {newRole}.", Severity.Success);
            await LoadAsync();
        }
    }

    private async Task ResetPasswordAsync(UserRow user)
    {
        var dialog = await Dialogs.ShowAsync<ResetPasswordDialog>("Reset password",
            new DialogParameters<ResetPasswordDialog> { { d => d.Actor, await ActorAsync() }, { d => d.User, user } });
        if (await dialog.Result is { Canceled: false }) Snackbar.Add($"{user.Email} has a new password.", Severity.Success);
    }

    private async Task RemoveAsync(UserRow user)
    {
        var dialog = await Dialogs.ShowAsync<RemoveUserDialog>("Remove user",
            new DialogParameters<RemoveUserDialog> { { d => d.Actor, await ActorAsync() }, { d => d.User, user } });
        if (await dialog.Result is { Canceled: false, Data: string what })
        {
            Snackbar.Add($"{user.Email} was {what}.", Severity.Success);
            await LoadAsync();
        }
    }

    public void Dispose()
    {
        cancellation.Cancel();
        cancellation.Dispose();
    }
}
