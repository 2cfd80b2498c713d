using TechCourse.Admin.Infrastructure.Auth;

namespace TechCourse.Admin.Bench;

/// Every page, as a signed-in Admin sees it unless an entry names another role. Expect: HTML only a successful render
/// contains (not the error state).
public static class PageCatalog
{
    public static IReadOnlyList<PageEntry> All { get; } =
    [
        new("home page (admin)", (s, i) => "/", "data-testid=\"health\""),
        new("home page (instructor)", (s, i) => "/", "data-testid=\"latest-price-changes\"", StaffRoles.Instructor),
        new("home page (accounting)", (s, i) => "/", "data-testid=\"top-instructors\"", StaffRoles.Accounting),
        new("courses page first", (s, i) => i % 2 == 0 ? "/courses" : "/courses?desc=true", "data-testid=\"courses-grid\""),
        new("courses page deep by revenue", (s, i) => $"/courses?sort=revenue&desc=true&page={380 + i % 19}", "data-testid=\"courses-grid\""),
        new("courses page search", (s, i) => $"/courses?q={Uri.EscapeDataString(s.TitleTerm(i))}", "data-testid=\"courses-grid\""),
        new("courses page quiz filter", (s, i) => $"/courses?difficulty={new[] { "Easy", "Medium", "Hard" }[i % 3]}&score={50 + i % 10 * 5}", "data-testid=\"courses-grid\""),
        new("users page", (s, i) => "/users", "data-testid=\"users-range\""),
        new("student page", (s, i) => $"/users/{s.Student(i)}", "data-testid=\"student-enrollments\""),
        new("enrollments page", (s, i) => "/enrollments", "data-testid=\"enrollments-range\""),
        new("sales page", (s, i) => "/sales", "data-testid=\"days-table\""),
        new("analytics page", (s, i) => "/analytics", "data-testid=\"difficulties\""),
        new("audit page", (s, i) => "/audit", "data-testid=\"audit-timeline\""),
        new("audit page, one course", (s, i) => $"/audit?course={s.Course(i)}", "data-testid=\"audit-timeline\""),
    ];
}
