using System.Globalization;
using TechCourse.Admin.Features.Users;

namespace TechCourse.Admin.Features.Enrollments;

// The enrollment form's checks before anything reaches the database (which checks again).
public static class EnrollmentInput
{
    public static Dictionary<string, string> Problems(UserChoice? student, CourseChoice? course, bool overriding, string? amountText, string? reason, out decimal? amount)
    {
        var problems = new Dictionary<string, string>();
        amount = null;
        if (student is null) problems["Student"] = "Pick a student.";
        if (course is null) problems["Course"] = "Pick a published course.";
        if (!overriding) return problems;
        if (ParseAmount(amountText) is { } parsed) amount = parsed;
        else problems["Amount"] = "Enter an amount of 0 or more, with at most 2 decimals (like 19.99).";
        if (string.IsNullOrWhiteSpace(reason)) problems["Reason"] = "Say why the amount differs from the price.";
        else if (reason.Trim().Length > 500) problems["Reason"] = "Keep the reason under 500 characters.";
        return problems;
    }

    public static decimal? ParseAmount(string? text) =>
        decimal.TryParse(text?.Trim(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
        && value >= 0 && value < 100_000_000m && value == Math.Round(value, 2)
            ? value
            : null;
}
