using System.Text.RegularExpressions;
using TechCourse.Admin.Infrastructure.Auth;

namespace TechCourse.Admin.Features.Users;

// The create-user form's checks before anything reaches the database (which checks again).
public static partial class UserInput
{
    public static Dictionary<string, string> Problems(string? email, string? role)
    {
        var problems = new Dictionary<string, string>();
        var trimmed = email?.Trim() ?? "";
        if (trimmed.Length == 0) problems["Email"] = "Enter an email address.";
        else if (trimmed.Length > 150 || !EmailPattern().IsMatch(trimmed)) problems["Email"] = "Enter a valid email address, like name@example.com (at most 150 characters).";
        if (role is null || !StaffRoles.All.Contains(role)) problems["Role"] = "Pick a role.";
        return problems;
    }

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();
}
