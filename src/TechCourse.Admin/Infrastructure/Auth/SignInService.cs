using Microsoft.AspNetCore.Cryptography.KeyDerivation;
using Microsoft.Extensions.Options;
using Npgsql;

namespace TechCourse.Admin.Infrastructure.Auth;

public enum SignInOutcome { SignedIn, Invalid, LockedOut, NotStaff, Unavailable, ReadOnly }

public sealed record SignInResult(SignInOutcome Outcome, Actor? Actor = null)
{
    public string? Message => Outcome switch
    {
        SignInOutcome.Invalid => "The email or password is incorrect.",
        SignInOutcome.LockedOut => $"Too many failed attempts: signing in to this account from your network is locked for {SignInService.LockoutWindow.TotalMinutes:0} minutes. Try again later or ask an admin to reset the password.",
        SignInOutcome.NotStaff => "Students cannot sign in to the dashboard. This area is for TechCourse staff.",
        SignInOutcome.Unavailable => "The database is unavailable at the moment (the app keeps retrying). Try signing in again in a few seconds.",
        SignInOutcome.ReadOnly => "The database is read-only right now (maintenance): a sign-in cannot be recorded until it is writable again. Whoever is signed in keeps reading. Try again later.",
        _ => null,
    };
}

// Problem is what to tell the user (null on success); Renewed carries the new session of this browser.
public sealed record PasswordChange(string? Problem, Actor? Renewed = null);

// Derives the PBKDF2 subkey of the typed password exactly as Identity's PasswordHasher (V3) does, from the parameters
// the database gives for that email, and lets the database compare it, count the attempt and open the session
// (sql/0019, sign_in): the hash never leaves the database, and an unknown email costs and answers the same.
public sealed class SignInService(AccountStore accounts, IOptions<AuthOptions> options)
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan LockoutWindow = TimeSpan.FromMinutes(15);
    // A stored hash asking for more would hold a thread for seconds per attempt.
    private const int MaxIterations = 5_000_000;

    // With the default session timeouts (tests, tools).
    public SignInService(AccountStore accounts) : this(accounts, Options.Create(new AuthOptions())) { }

    public async Task<SignInResult> SignInAsync(string? email, string? password, string? remoteAddress, CancellationToken ct)
    {
        email = email?.Trim() ?? "";
        if (email.Length is 0 or > 150) return new SignInResult(SignInOutcome.Invalid);
        var parameters = await accounts.ParametersAsync(email, ct);
        var subkey = Subkey(password ?? "", parameters);
        var token = SessionStore.NewToken();
        SignInRow row;
        try
        {
            row = await accounts.SignInAsync(email, subkey, remoteAddress, token, options.Value, ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ReadOnlySqlTransaction)
        {
            // A session is a row: a read-only database (maintenance, failover) cannot open one.
            return new SignInResult(SignInOutcome.ReadOnly);
        }
        return row.Outcome switch
        {
            "signed_in" => new SignInResult(SignInOutcome.SignedIn, new Actor(row.UserId!.Value, row.Email!, row.Role!, token)),
            "locked" => new SignInResult(SignInOutcome.LockedOut),
            "not_staff" => new SignInResult(SignInOutcome.NotStaff),
            _ => new SignInResult(SignInOutcome.Invalid),
        };
    }

    // A signed-in staff member sets a new password of their choice (NIST checks in PasswordPolicy). On success every
    // session of theirs has ended and Renewed is this browser's new one.
    public async Task<PasswordChange> ChangePasswordAsync(Actor actor, string? current, string? chosen, string? repeated, string? remoteAddress, CancellationToken ct)
    {
        if (chosen != repeated) return new PasswordChange("The two new passwords differ. Type the same password twice.");
        if (PasswordPolicy.Problem(chosen) is { } problem) return new PasswordChange(problem);
        if (chosen == current) return new PasswordChange("The new password is the current one. Choose another.");
        if (actor.Session is not { } token) return new PasswordChange(SessionEnded);
        var subkey = Subkey(current ?? "", await accounts.ParametersAsync(actor.Email, ct));
        var renewed = SessionStore.NewToken();
        try
        {
            return await accounts.ChangeOwnPasswordAsync(token, subkey, StaffAccounts.Hash(chosen!), renewed, remoteAddress, ct) switch
            {
                "changed" => new PasswordChange(null, actor with { Session = renewed }),
                "locked" => new PasswordChange(new SignInResult(SignInOutcome.LockedOut).Message),
                "session_ended" => new PasswordChange(SessionEnded),
                _ => new PasswordChange("The current password is incorrect."),
            };
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ReadOnlySqlTransaction)
        {
            return new PasswordChange(Database.DatabaseErrors.ReadOnly);
        }
    }

    private const string SessionEnded = "Your session has ended: sign in again to change your password.";

    public static byte[] Subkey(string password, HashParameters parameters) =>
        parameters is { Iterations: > 0 and <= MaxIterations, Prf: >= 0 and <= 2, SubkeyLength: >= 16 and <= 64, Salt.Length: >= 8 }
            ? KeyDerivation.Pbkdf2(password, parameters.Salt, (KeyDerivationPrf)parameters.Prf, parameters.Iterations, parameters.SubkeyLength)
            : [];
}
