using TechCourse.Admin.Features.Dashboard;

namespace TechCourse.Admin.Bench;

/// Every query a page runs, called through the app's own class. Add an entry per query.
public static class QueryCatalog
{
    private static Args NoArgs(Sample sample, int i) => [];

    public static IReadOnlyList<QueryEntry> All { get; } =
    [
        new("dashboard figures", NoArgs, (c, a, ct) => new DashboardQueries(c.DataSource).FiguresAsync(ct)),
    ];
}
