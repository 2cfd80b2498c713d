using Dapper;
using Npgsql;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Security;

// Issue 19, section 7 (lockout): sign-in through the runtime login, counted atomically per email and source.
public sealed class LockoutTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    private const string Password = "lockout-test-password-2026";
    private NpgsqlDataSource runtime = null!;

    public async Task InitializeAsync() => runtime = NpgsqlDataSource.Create(await ExternalApp.CreateRuntimeLoginAsync(database.ConnectionString));

    public async Task DisposeAsync() => await runtime.DisposeAsync();

    [Fact]
    public async Task Ten_concurrent_wrong_guesses_get_exactly_five_checked_and_five_locked_out()
    {
        var email = await StaffAsync(StaffRoles.Admin);
        var service = new SignInService(new AccountStore(runtime));

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Task.Run(() => service.SignInAsync(email, "wrong password guess", "127.51.100.7", default))));

        Assert.Equal(5, results.Count(r => r.Outcome == SignInOutcome.Invalid));
        Assert.Equal(5, results.Count(r => r.Outcome == SignInOutcome.LockedOut));
        Assert.Equal(5L, await OwnerScalarAsync<long>("SELECT count(*) FROM sign_in_attempts WHERE email_key = lower(@email)", new { email }));
    }

    [Fact]
    public async Task An_unknown_email_gets_exactly_the_answers_of_a_known_one_before_and_after_the_lock()
    {
        var known = await StaffAsync(StaffRoles.Instructor);
        var unknown = $"nobody-{Guid.NewGuid():N}@techcourse.com";
        var service = new SignInService(new AccountStore(runtime));

        var knownAnswers = new List<string?>();
        var unknownAnswers = new List<string?>();
        for (var i = 0; i <= SignInService.MaxFailures; i++)
        {
            knownAnswers.Add((await service.SignInAsync(known, "wrong password guess", "127.51.100.8", default)).Message);
            unknownAnswers.Add((await service.SignInAsync(unknown, "wrong password guess", "127.51.100.8", default)).Message);
        }

        Assert.Equal(knownAnswers, unknownAnswers);
        Assert.Equal(new SignInResult(SignInOutcome.LockedOut).Message, knownAnswers[^1]);
        Assert.All(knownAnswers.Take(SignInService.MaxFailures), m => Assert.Equal(new SignInResult(SignInOutcome.Invalid).Message, m));
    }

    [Fact]
    public async Task An_attackers_failures_lock_only_their_own_source_not_the_owner_signing_in_from_elsewhere()
    {
        var email = await StaffAsync(StaffRoles.Admin);
        var service = new SignInService(new AccountStore(runtime));
        for (var i = 0; i < SignInService.MaxFailures; i++) await service.SignInAsync(email, "wrong password guess", "127.0.113.66", default);

        var attacker = await service.SignInAsync(email, Password, "127.0.113.66", default);
        var owner = await service.SignInAsync(email, Password, "127.0.2.10", default);

        Assert.Equal(SignInOutcome.LockedOut, attacker.Outcome);
        Assert.Equal(SignInOutcome.SignedIn, owner.Outcome);
    }

    [Fact]
    public async Task The_parameters_of_an_unknown_email_look_like_those_of_an_account_and_never_change()
    {
        var known = await StaffAsync(StaffRoles.Accounting);
        var unknown = $"nobody-{Guid.NewGuid():N}@techcourse.com";
        var store = new AccountStore(runtime);

        var account = await store.ParametersAsync(known, default);
        var decoy = await store.ParametersAsync(unknown, default);
        var decoyAgain = await store.ParametersAsync(unknown.ToUpperInvariant(), default);

        Assert.Equal((account.Prf, account.Iterations, account.Salt.Length, account.SubkeyLength), (decoy.Prf, decoy.Iterations, decoy.Salt.Length, decoy.SubkeyLength));
        Assert.Equal(decoy.Salt, decoyAgain.Salt);
        Assert.NotEqual(account.Salt, decoy.Salt);
    }

    [Fact]
    public async Task A_hash_stored_by_an_older_dotnet_with_other_parameters_still_signs_in()
    {
        // Identity V3 as .NET 6 wrote it: HMAC-SHA256, 10,000 iterations.
        var salt = System.Security.Cryptography.RandomNumberGenerator.GetBytes(16);
        var subkey = Microsoft.AspNetCore.Cryptography.KeyDerivation.KeyDerivation.Pbkdf2(Password, salt, Microsoft.AspNetCore.Cryptography.KeyDerivation.KeyDerivationPrf.HMACSHA256, 10_000, 32);
        byte[] header = [0x01, 0, 0, 0, 1, 0, 0, 0x27, 0x10, 0, 0, 0, 16];
        var hash = Convert.ToBase64String([.. header, .. salt, .. subkey]);
        Assert.Equal(Microsoft.AspNetCore.Identity.PasswordVerificationResult.SuccessRehashNeeded,
            new Microsoft.AspNetCore.Identity.PasswordHasher<object>().VerifyHashedPassword(new object(), hash, Password));
        var email = $"older-{Guid.NewGuid():N}@techcourse.com";
        await using (var owner = await database.DataSource.OpenConnectionAsync())
        {
            var id = await owner.ExecuteScalarAsync<Guid>("INSERT INTO users (email, role) VALUES (@email, 'Instructor') RETURNING user_id", new { email });
            await owner.ExecuteAsync("INSERT INTO user_credentials (user_id, password_hash) VALUES (@id, @hash)", new { id, hash });
        }
        var service = new SignInService(new AccountStore(runtime));

        var wrong = await service.SignInAsync(email, "not the password", null, default);
        var right = await service.SignInAsync(email, Password, null, default);

        Assert.Equal(SignInOutcome.Invalid, wrong.Outcome);
        Assert.Equal(SignInOutcome.SignedIn, right.Outcome);
        Assert.NotNull(right.Actor?.Session);
    }

    private async Task<string> StaffAsync(string role)
    {
        var email = $"{role.ToLowerInvariant()}-{Guid.NewGuid():N}@techcourse.com";
        await using var owner = await database.DataSource.OpenConnectionAsync();
        await StaffAccounts.CreateOrResetAsync(owner, email, role, Password, default);
        return email;
    }

    private async Task<T> OwnerScalarAsync<T>(string sql, object args)
    {
        await using var owner = await database.DataSource.OpenConnectionAsync();
        return (await owner.ExecuteScalarAsync<T>(sql, args))!;
    }
}
