namespace TechCourse.Admin.Bench;

/// Every page, as a signed-in Admin sees it. Expect: HTML only a successful render contains.
public static class PageCatalog
{
    public static IReadOnlyList<PageEntry> All { get; } =
    [
        new("dashboard page", (s, i) => "/", "data-testid=\"gross-revenue\""),
    ];
}
