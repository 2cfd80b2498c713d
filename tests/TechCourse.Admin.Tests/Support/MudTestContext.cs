using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MudBlazor.Services;
using Npgsql;
using TechCourse.Admin.Infrastructure.Database;

namespace TechCourse.Admin.Tests.Support;

// The one way component tests get a bUnit context: MudBlazor services, no transitions, loose JS interop.
public static class MudTestContext
{
    public static BunitContext Create()
    {
        var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices(options =>
        {
            options.SnackbarConfiguration.ShowTransitionDuration = 0;
            options.SnackbarConfiguration.HideTransitionDuration = 0;
            options.PopoverOptions.CheckForPopoverProvider = false;
        });
        // The pages' infrastructure: reports on the page's own data source (no standby), a database that answers.
        context.Services.TryAddSingleton(provider => new ReportsDataSource(provider.GetService<NpgsqlDataSource>() ?? NpgsqlDataSource.Create("Host=127.0.0.1")));
        context.Services.TryAddSingleton<DatabaseStatus>();
        return context;
    }

    // The signed-in user as the app's pages read it (the cascading authentication state).
    public static BunitContext SignedInAs(this BunitContext context, TechCourse.Admin.Infrastructure.Auth.Actor actor)
    {
        context.Services.AddCascadingValue(_ => Task.FromResult(new Microsoft.AspNetCore.Components.Authorization.AuthenticationState(actor.ToPrincipal("test"))));
        return context;
    }
}
