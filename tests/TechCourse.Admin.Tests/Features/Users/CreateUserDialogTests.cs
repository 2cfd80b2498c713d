using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using TechCourse.Admin.Features.Users;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Features.Users;

public sealed class CreateUserDialogTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private async Task<(BunitContext Context, IRenderedComponent<MudDialogProvider> Provider)> OpenAsync(Actor actor)
    {
        var context = MudTestContext.Create();
        context.Services.AddSingleton(new UsersQueries(database.DataSource));
        var provider = context.Render<MudDialogProvider>();
        var dialogs = context.Services.GetRequiredService<IDialogService>();
        await provider.InvokeAsync(() => dialogs.ShowAsync<CreateUserDialog>("New user", new DialogParameters<CreateUserDialog> { { d => d.Actor, actor } }));
        return (context, provider);
    }

    private static async Task SubmitAsync(IRenderedComponent<MudDialogProvider> provider, string email)
    {
        await provider.Find("[data-testid=new-user-email] input, input[type=email]").ChangeAsync(new() { Value = email });
        await provider.FindAll("button").Single(b => b.TextContent.Contains("Create user", StringComparison.Ordinal)).ClickAsync(new());
    }

    [Theory]
    [InlineData("", "Enter an email address.")]
    [InlineData("no-at-sign", "Enter a valid email address")]
    public async Task A_missing_or_malformed_email_is_shown_at_the_field(string email, string message)
    {
        var (context, provider) = await OpenAsync(new Actor(Guid.NewGuid(), "admin@example.com", StaffRoles.Admin));
        await using var _ = context;

        await SubmitAsync(provider, email);

        Assert.Contains(message, provider.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_email_registered_in_another_case_shows_already_registered_at_the_field()
    {
        var people = new PeopleAndCourses(database.Database);
        var admin = await people.AdminAsync();
        var existing = people.Email("taken");
        await people.UserAsync(StaffRoles.Student, existing);
        var (context, provider) = await OpenAsync(admin);
        await using var _ = context;

        await SubmitAsync(provider, existing.ToUpperInvariant());

        provider.WaitForAssertion(() => Assert.Contains(UsersQueries.AlreadyRegistered, provider.Markup, StringComparison.Ordinal), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Creating_a_staff_account_shows_its_password_once_and_that_password_signs_in()
    {
        var people = new PeopleAndCourses(database.Database);
        var admin = await people.AdminAsync();
        var email = people.Email("new-instructor");
        await using var context = MudTestContext.Create();
        context.Services.AddSingleton(new UsersQueries(people.Runtime));
        var provider = context.Render<MudDialogProvider>();
        var dialogs = context.Services.GetRequiredService<IDialogService>();
        var dialog = await provider.InvokeAsync(() => dialogs.ShowAsync<CreateUserDialog>("New user", new DialogParameters<CreateUserDialog> { { d => d.Actor, admin } }));

        var role = provider.FindComponent<MudSelect<string>>();
        await provider.InvokeAsync(() => role.Instance.ValueChanged.InvokeAsync(StaffRoles.Instructor));
        await SubmitAsync(provider, email);
        provider.WaitForAssertion(() => provider.Find(OneTimePasswordInput), TimeSpan.FromSeconds(10));
        var password = provider.Find(OneTimePasswordInput).GetAttribute("value")!;
        await provider.FindAll("button").Single(b => b.TextContent.Contains("Done", StringComparison.Ordinal)).ClickAsync(new());
        var result = await dialog.Result.WaitAsync(TimeSpan.FromSeconds(10));

        var signIn = await new SignInService(new AccountStore(people.Runtime)).SignInAsync(email, password, null, default);
        Assert.Equal((SignInOutcome.SignedIn, StaffRoles.Instructor), (signIn.Outcome, signIn.Actor?.Role));
        Assert.Equal(signIn.Actor!.UserId, result!.Data);
        Assert.Empty(provider.FindAll(OneTimePasswordInput));
    }

    private const string OneTimePasswordInput = "[data-testid=one-time-password] input, input[data-testid=one-time-password]";
}
