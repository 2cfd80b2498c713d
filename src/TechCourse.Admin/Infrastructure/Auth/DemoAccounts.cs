namespace TechCourse.Admin.Infrastructure.Auth;

// One sign-in per role for the embedded demo database. Created only in the Development environment and shown only there.
public static class DemoAccounts
{
    public static readonly IReadOnlyList<(string Email, string Role, string Password)> All =
    [
        ("admin@techcourse.com", StaffRoles.Admin, "admin-demo-password"),
        ("instructor@techcourse.com", StaffRoles.Instructor, "instructor-demo-password"),
        ("accounting@techcourse.com", StaffRoles.Accounting, "accounting-demo-password"),
    ];
}
