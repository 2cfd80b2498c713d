using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using TechCourse.Admin.Features.Users;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Features.Users;

public sealed class ResetPasswordDialogTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private const string OneTimePasswordInput = "[data-testid=one-time-password] input, input[data-testid=one-time-password]";

    [Fact]
    public async Task Resetting_shows_a_new_password_once_and_only_the_new_one_signs_in()
    {
        var people = new PeopleAndCourses(database.Database);
        var queries = new UsersQueries(people.Runtime);
        var admin = await people.AdminAsync();
        var email = people.Email("accounting");
        var created = (await queries.CreateAsync(admin, email, StaffRoles.Accounting, default)).Value!;
        await using var context = MudTestContext.Create();
        context.Services.AddSingleton(queries);
        var provider = context.Render<MudDialogProvider>();
        var dialogs = context.Services.GetRequiredService<IDialogService>();
        var user = new UserRow(created.UserId, email, StaffRoles.Accounting, DateTimeOffset.UtcNow, null);
        var dialog = await provider.InvokeAsync(() => dialogs.ShowAsync<ResetPasswordDialog>("Reset password",
            new DialogParameters<ResetPasswordDialog> { { d => d.Actor, admin }, { d => d.User, user } }));

        await provider.FindAll("button").Single(b => b.TextContent.Contains("Reset password", StringComparison.Ordinal)).ClickAsync(new());
        provider.WaitForAssertion(() => provider.Find(OneTimePasswordInput), TimeSpan.FromSeconds(10));
        var password = provider.Find(OneTimePasswordInput).GetAttribute("value")!;
        await provider.FindAll("button").Single(b => b.TextContent.Contains("Done", StringComparison.Ordinal)).ClickAsync(new());
        await dialog.Result.WaitAsync(TimeSpan.FromSeconds(10));

        var signIn = new SignInService(new AccountStore(people.Runtime));
        Assert.Equal(SignInOutcome.SignedIn, (await signIn.SignInAsync(email, password, null, default)).Outcome);
        Assert.Equal(SignInOutcome.Invalid, (await signIn.SignInAsync(email, created.Password, null, default)).Outcome);
    }
}
