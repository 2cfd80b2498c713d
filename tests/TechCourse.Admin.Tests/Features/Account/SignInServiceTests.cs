using System.Diagnostics;
using Dapper;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Features.Account;

public sealed class SignInServiceTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private const string Password = "correct horse battery";

    [Fact]
    public async Task A_staff_member_signs_in_with_the_right_password_whatever_the_case_of_the_email()
    {
        var email = await StaffAsync(StaffRoles.Accounting);

        var result = await NewService().SignInAsync($"  {email.ToUpperInvariant()} ", Password, "127.0.0.1", CancellationToken.None);

        Assert.Equal(SignInOutcome.SignedIn, result.Outcome);
        Assert.Equal((email, StaffRoles.Accounting), (result.Actor!.Email, result.Actor.Role));
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_email_get_the_same_message_in_the_same_time_class()
    {
        var email = await StaffAsync(StaffRoles.Admin);
        var service = NewService();
        await service.SignInAsync("warm-up@nowhere.com", "x", null, CancellationToken.None);

        var (wrong, wrongTime) = await MedianOfThreeAsync(() => service.SignInAsync(email, "wrong password!", null, CancellationToken.None));
        var (unknown, unknownTime) = await MedianOfThreeAsync(() => service.SignInAsync($"nobody-{Guid.NewGuid():N}@nowhere.com", "wrong password!", null, CancellationToken.None));

        Assert.Equal(SignInOutcome.Invalid, wrong.Outcome);
        Assert.Equal(wrong.Message, unknown.Message);
        Assert.InRange(unknownTime.TotalMilliseconds, wrongTime.TotalMilliseconds / 3, wrongTime.TotalMilliseconds * 3);
    }

    [Fact]
    public async Task Five_failures_lock_the_account_even_for_the_right_password_and_the_lock_is_kept_in_the_database()
    {
        var email = await StaffAsync(StaffRoles.Instructor);
        for (var i = 0; i < SignInService.MaxFailures; i++)
            await NewService().SignInAsync(email, "wrong password!", "127.0.0.2", CancellationToken.None);

        var afterRestart = await NewService().SignInAsync(email, Password, "127.0.0.2", CancellationToken.None);

        Assert.Equal(SignInOutcome.LockedOut, afterRestart.Outcome);
        Assert.Contains("locked", afterRestart.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Failures_before_a_successful_sign_in_do_not_count_towards_a_lock()
    {
        var email = await StaffAsync(StaffRoles.Instructor);
        var service = NewService();
        for (var i = 0; i < SignInService.MaxFailures - 1; i++) await service.SignInAsync(email, "wrong password!", null, CancellationToken.None);
        await service.SignInAsync(email, Password, null, CancellationToken.None);
        await service.SignInAsync(email, "wrong password!", null, CancellationToken.None);

        Assert.Equal(SignInOutcome.SignedIn, (await service.SignInAsync(email, Password, null, CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task A_student_with_a_valid_password_is_refused_the_dashboard()
    {
        var email = $"student-{Guid.NewGuid():N}@example.com";
        await using var connection = await database.DataSource.OpenConnectionAsync();
        var id = await connection.ExecuteScalarAsync<Guid>("INSERT INTO users (email, role) VALUES (@email, 'Student') RETURNING user_id", new { email });
        await connection.ExecuteAsync("INSERT INTO user_credentials (user_id, password_hash) VALUES (@id, @hash)", new { id, hash = StaffAccounts.Hash(Password) });

        var result = await NewService().SignInAsync(email, Password, null, CancellationToken.None);

        Assert.Equal(SignInOutcome.NotStaff, result.Outcome);
        Assert.Null(result.Actor);
    }

    [Fact]
    public async Task A_user_without_credentials_cannot_sign_in()
    {
        var email = $"nocreds-{Guid.NewGuid():N}@techcourse.com";
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await connection.ExecuteAsync("INSERT INTO users (email, role) VALUES (@email, 'Admin')", new { email });

        Assert.Equal(SignInOutcome.Invalid, (await NewService().SignInAsync(email, "", null, CancellationToken.None)).Outcome);
    }

    [Fact]
    public async Task Passwords_shorter_than_twelve_characters_are_refused_and_hashes_are_identity_format()
    {
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await Assert.ThrowsAsync<ArgumentException>(() => StaffAccounts.CreateOrResetAsync(connection, $"short-{Guid.NewGuid():N}@techcourse.com", StaffRoles.Admin, "elevenchars", CancellationToken.None));

        var email = await StaffAsync(StaffRoles.Admin);
        var hash = await connection.ExecuteScalarAsync<string>("SELECT password_hash FROM user_credentials c JOIN users u USING (user_id) WHERE u.email = @email", new { email });
        Assert.DoesNotContain(Password, hash!, StringComparison.Ordinal);
        Assert.Equal(0x01, Convert.FromBase64String(hash!)[0]);
    }

    private SignInService NewService() => new(new AccountStore(database.DataSource));

    private async Task<string> StaffAsync(string role)
    {
        var email = $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}@techcourse.com";
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await StaffAccounts.CreateOrResetAsync(connection, email, role, Password, CancellationToken.None);
        return email;
    }

    private static async Task<(SignInResult, TimeSpan)> MedianOfThreeAsync(Func<Task<SignInResult>> signIn)
    {
        var runs = new List<(SignInResult Result, TimeSpan Time)>();
        for (var i = 0; i < 3; i++)
        {
            var watch = Stopwatch.StartNew();
            var result = await signIn();
            runs.Add((result, watch.Elapsed));
        }
        return runs.OrderBy(run => run.Time).ElementAt(1);
    }
}
