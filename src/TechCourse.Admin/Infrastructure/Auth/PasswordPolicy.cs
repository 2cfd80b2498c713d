using System.Security.Cryptography;

namespace TechCourse.Admin.Infrastructure.Auth;

public static class PasswordPolicy
{
    public const int MinimumLength = 12;

    public static string? Problem(string? password) =>
        string.IsNullOrEmpty(password) || password.Length < MinimumLength
            ? $"A password needs at least {MinimumLength} characters."
            : null;

    public static string Generate() =>
        RandomNumberGenerator.GetString("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789-_", 20);
}
