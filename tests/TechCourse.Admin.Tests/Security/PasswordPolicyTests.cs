using Microsoft.Extensions.Logging.Abstractions;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Infrastructure.Cli;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Security;

// Issue 19, section 7 (passwords): NIST SP 800-63B — a bundled list of common and breached passwords, no trivially
// repetitive or sequential ones, each refusal with its reason.
[Collection("console output")]
public sealed class PasswordPolicyTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public void The_bundled_list_holds_at_least_a_hundred_thousand_passwords() =>
        Assert.True(PasswordPolicy.CommonPasswordsListed >= 100_000, $"{PasswordPolicy.CommonPasswordsListed} listed");

    [Theory]
    [InlineData("password1234")]
    [InlineData("aaaaaaaaaaaa")]
    [InlineData("Password1234")]
    [InlineData("qwertyuiop12")]
    [InlineData("123456789012")]
    public void A_listed_password_is_refused_whatever_its_case(string password) =>
        Assert.Equal(PasswordPolicy.CommonPasswordMessage, PasswordPolicy.Problem(password));

    [Theory]
    [InlineData("q7!q7!q7!q7!", "repeats “q7!”")]
    [InlineData("Zx9Zx9Zx9Zx9Zx9", "repeats “Zx9”")]
    [InlineData("ghijklmnopqrstu", "consecutive characters")]
    [InlineData("56789012345678", "consecutive characters")]
    [InlineData("zzzzzzzzzzzzzzzy", "one or two different characters")]
    [InlineData("short", "at least 12 characters")]
    public void A_trivially_predictable_password_is_refused_with_the_reason(string password, string reason) =>
        Assert.Contains(reason, PasswordPolicy.Problem(password), StringComparison.Ordinal);

    [Theory]
    [InlineData("violet tractor minnow lantern")]
    [InlineData("Jq4-vT9_ws2LmX8aPzk3")]
    public void A_long_unlisted_password_is_accepted(string password) => Assert.Null(PasswordPolicy.Problem(password));

    [Fact]
    public void Generated_passwords_meet_the_policy() =>
        Assert.All(Enumerable.Range(0, 50).Select(_ => PasswordPolicy.Generate()), p => Assert.Null(PasswordPolicy.Problem(p)));

    [Theory]
    [InlineData("password1234", "list of common or breached passwords")]
    [InlineData("aaaaaaaaaaaa", "list of common or breached passwords")]
    [InlineData("q7!q7!q7!q7!", "repeats")]
    public async Task User_add_refuses_the_password_with_the_reason_and_writes_nothing(string password, string reason)
    {
        var email = $"weak-{Guid.NewGuid():N}@techcourse.com";
        var errors = new StringWriter();
        var original = Console.Error;
        Console.SetError(errors);
        int exitCode;
        try
        {
            exitCode = await CommandLine.RunAsync(["user", "add", "--email", email, "--role", "Admin"], database.Configuration, RepositoryPaths.Root,
                NullLoggerFactory.Instance, new StringReader(password + "\n"), CancellationToken.None);
        }
        finally
        {
            Console.SetError(original);
        }

        Assert.Equal(2, exitCode);
        Assert.Contains(reason, errors.ToString(), StringComparison.Ordinal);
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT count(*) FROM users WHERE email = $1", connection) { Parameters = { new() { Value = email } } };
        Assert.Equal(0L, (long)(await command.ExecuteScalarAsync())!);
    }
}
