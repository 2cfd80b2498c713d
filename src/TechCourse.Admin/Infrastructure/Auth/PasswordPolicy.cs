using System.IO.Compression;
using System.Security.Cryptography;

namespace TechCourse.Admin.Infrastructure.Auth;

// NIST SP 800-63B for passwords people choose: at least 12 characters, not one of the 437,651 common or breached
// passwords of CommonPasswords/ (compared case-insensitively), and not trivially repetitive or sequential. No
// composition rules. Every password set (the CLI, demo data, the app) passes through Problem().
public static class PasswordPolicy
{
    public const int MinimumLength = 12;
    public const string CommonPasswordMessage =
        "This password is in a list of common or breached passwords, so attackers try it first. Choose another one (a few unrelated words work well).";

    // A listed password shorter than the minimum can never be accepted anyway: only the longer ones are kept in memory.
    private static readonly Lazy<(HashSet<string> Kept, int Listed)> Common = new(LoadCommon);

    // How many passwords the bundled list holds.
    public static int CommonPasswordsListed => Common.Value.Listed;

    public static string? Problem(string? password)
    {
        if (string.IsNullOrEmpty(password) || password.Length < MinimumLength) return $"A password needs at least {MinimumLength} characters.";
        if (Common.Value.Kept.Contains(password.ToLowerInvariant())) return CommonPasswordMessage;
        if (Repetition(password) is { } repeated) return $"This password only repeats “{repeated}”: choose one that is harder to guess.";
        if (IsSequence(password)) return "This password is a run of consecutive characters (like abcdef or 123456): choose one that is harder to guess.";
        if (password.Distinct().Count() <= 2) return "This password uses only one or two different characters: choose one that is harder to guess.";
        return null;
    }

    public static string Generate() =>
        RandomNumberGenerator.GetString("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789-_", 20);

    // The shortest unit the whole password repeats (abcabcabcabc: "abc"), when it repeats at least twice.
    private static string? Repetition(string password)
    {
        for (var period = 1; period <= password.Length / 2; period++)
        {
            var repeats = true;
            for (var i = period; i < password.Length && repeats; i++) repeats = password[i] == password[i - period];
            if (repeats) return password[..period];
        }
        return null;
    }

    // abcdefghijkl, 123456789012 (9 is followed by 0), zyxwvutsrqpo…
    private static bool IsSequence(string password)
    {
        static int Step(char from, char to) => char.IsAsciiDigit(from) && char.IsAsciiDigit(to) ? (((to - from) % 10 + 10) % 10) switch { 1 => 1, 9 => -1, _ => 0 } : to - from;
        var step = Step(password[0], password[1]);
        if (step is not (1 or -1)) return false;
        for (var i = 2; i < password.Length; i++)
            if (Step(password[i - 1], password[i]) != step) return false;
        return true;
    }

    private static (HashSet<string>, int) LoadCommon()
    {
        using var resource = typeof(PasswordPolicy).Assembly.GetManifestResourceStream("TechCourse.Admin.CommonPasswords.gz")
            ?? throw new InvalidOperationException("The common-password list is not embedded in the app.");
        using var reader = new StreamReader(new GZipStream(resource, CompressionMode.Decompress));
        var kept = new HashSet<string>(StringComparer.Ordinal);
        var listed = 0;
        for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            listed++;
            if (line.Length >= MinimumLength) kept.Add(line.ToLowerInvariant());
        }
        return (kept, listed);
    }
}
