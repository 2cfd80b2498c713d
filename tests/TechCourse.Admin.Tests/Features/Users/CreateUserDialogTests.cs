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
}
