using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Infrastructure.Cli;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Features.Account;

[Collection("console output")]
public sealed class UserAddCommandTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task User_add_creates_a_staff_account_with_the_password_read_from_standard_input()
    {
        var email = $"first-admin-{Guid.NewGuid():N}@techcourse.com";

        var exitCode = await RunAsync(["user", "add", "--email", email, "--role", "Admin"], "a long enough password\n");

        Assert.Equal(0, exitCode);
        var result = await new SignInService(new AccountStore(database.DataSource)).SignInAsync(email, "a long enough password", null, CancellationToken.None);
        Assert.Equal((SignInOutcome.SignedIn, StaffRoles.Admin), (result.Outcome, result.Actor?.Role));
    }

    [Fact]
    public async Task User_add_on_an_existing_account_resets_its_role_and_password_and_clears_a_lockout()
    {
        var email = $"reset-{Guid.NewGuid():N}@techcourse.com";
        await RunAsync(["user", "add", "--email", email, "--role", "Instructor"], "the first password\n");
        var service = new SignInService(new AccountStore(database.DataSource));
        for (var i = 0; i < SignInService.MaxFailures; i++) await service.SignInAsync(email, "wrong wrong wrong", null, CancellationToken.None);

        await RunAsync(["user", "add", "--email", email, "--role", "Accounting"], "the second password\n");

        var result = await service.SignInAsync(email, "the second password", null, CancellationToken.None);
        Assert.Equal((SignInOutcome.SignedIn, StaffRoles.Accounting), (result.Outcome, result.Actor?.Role));
        await using var connection = await database.DataSource.OpenConnectionAsync();
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM users WHERE email = @email", new { email }));
    }

    [Fact]
    public async Task User_add_refuses_a_short_password_and_an_unknown_role_without_writing()
    {
        var email = $"refused-{Guid.NewGuid():N}@techcourse.com";

        Assert.Equal(2, await RunAsync(["user", "add", "--email", email, "--role", "Admin"], "short\n"));
        Assert.Equal(2, await RunAsync(["user", "add", "--email", email, "--role", "Student"], "a long enough password\n"));

        await using var connection = await database.DataSource.OpenConnectionAsync();
        Assert.Equal(0L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM users WHERE email = @email", new { email }));
    }

    [Fact]
    public async Task User_add_without_a_piped_password_generates_one_that_meets_the_policy()
    {
        var email = $"generated-{Guid.NewGuid():N}@techcourse.com";
        var output = new StringWriter();
        var original = Console.Out;
        Console.SetOut(output);
        try
        {
            Assert.Equal(0, await RunAsync(["user", "add", "--email", email, "--role", "Admin"], ""));
        }
        finally
        {
            Console.SetOut(original);
        }

        var password = output.ToString().Split("(shown only now): ")[1].Trim();
        Assert.True(password.Length >= PasswordPolicy.MinimumLength);
        var result = await new SignInService(new AccountStore(database.DataSource)).SignInAsync(email, password, null, CancellationToken.None);
        Assert.Equal(SignInOutcome.SignedIn, result.Outcome);
    }

    private Task<int> RunAsync(string[] args, string input) => CommandLine.RunAsync(args,
        database.Configuration,
        RepositoryPaths.Root, NullLoggerFactory.Instance, new StringReader(input), CancellationToken.None);
}
