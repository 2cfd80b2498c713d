namespace TechCourse.Admin.Infrastructure.Auth;

public enum SignInOutcome { SignedIn, Invalid, LockedOut, NotStaff, Unavailable }

public sealed record SignInResult(SignInOutcome Outcome, Actor? Actor = null)
{
    public string? Message => Outcome switch
    {
        SignInOutcome.Invalid => "The email or password is incorrect.",
        SignInOutcome.LockedOut => $"Too many failed attempts: this account is locked for {SignInService.LockoutWindow.TotalMinutes:0} minutes. Try again later or ask an admin to reset the password.",
        SignInOutcome.NotStaff => "Students cannot sign in to the dashboard. This area is for TechCourse staff.",
        SignInOutcome.Unavailable => "The database is unavailable at the moment (the app keeps retrying). Try signing in again in a few seconds.",
        _ => null,
    };
}

public sealed class SignInService(AccountStore accounts)
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan LockoutWindow = TimeSpan.FromMinutes(15);

    // Unknown emails are checked against this hash too, so they take as long as a wrong password.
    private static readonly string DecoyHash = StaffAccounts.Hash(PasswordPolicy.Generate());

    public async Task<SignInResult> SignInAsync(string? email, string? password, string? remoteAddress, CancellationToken ct)
    {
        email = email?.Trim() ?? "";
        password ??= "";
        var account = email.Length is > 0 and <= 150 ? await accounts.FindAsync(email, ct) : null;
        if (account is null)
        {
            StaffAccounts.Verify(DecoyHash, password);
            return new SignInResult(SignInOutcome.Invalid);
        }

        if (await accounts.RecentFailuresAsync(account.UserId, LockoutWindow, ct) >= MaxFailures)
        {
            StaffAccounts.Verify(DecoyHash, password);
            return new SignInResult(SignInOutcome.LockedOut);
        }

        var valid = StaffAccounts.Verify(account.PasswordHash ?? DecoyHash, password) && account.PasswordHash is not null;
        await accounts.RecordAttemptAsync(account.UserId, valid, remoteAddress, ct);
        if (!valid) return new SignInResult(SignInOutcome.Invalid);
        if (!StaffRoles.StaffOnly.Contains(account.Role)) return new SignInResult(SignInOutcome.NotStaff);
        return new SignInResult(SignInOutcome.SignedIn, new Actor(account.UserId, account.Email, account.Role));
    }
}
