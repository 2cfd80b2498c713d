namespace TechCourse.Admin.Infrastructure.Auth;

public static class StaffRoles
{
    public const string Admin = "Admin";
    public const string Instructor = "Instructor";
    public const string Accounting = "Accounting";
    public const string Student = "Student";

    public const string AnyStaff = "Admin,Instructor,Accounting";
    public const string AdminOrInstructor = "Admin,Instructor";
    public const string Sales = "Admin,Accounting,Instructor";
    public const string AdminOrAccounting = "Admin,Accounting";

    public static readonly IReadOnlyList<string> All = [Admin, Instructor, Accounting, Student];
    public static readonly IReadOnlyList<string> StaffOnly = [Admin, Instructor, Accounting];
}
