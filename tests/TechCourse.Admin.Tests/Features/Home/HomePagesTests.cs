using Bunit;
using Bunit.Rendering;
using Npgsql;
using TechCourse.Admin.Features.Home;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Infrastructure.Postgres;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Features.Home;

// Each home page's four states: loading (the database has not answered yet), empty platform, data, error.
public sealed class HomePagesTests
{
    public static TheoryData<string> Kinds => ["instructor", "accounting", "admin"];

    private static IRenderedComponent<ContainerFragment> Render(BunitContext context, string kind, Guid instructor) => context.Render(builder =>
    {
        builder.OpenComponent(0, kind switch { "instructor" => typeof(InstructorHome), "accounting" => typeof(AccountingHome), _ => typeof(AdminHome) });
        if (kind == "instructor") builder.AddAttribute(1, nameof(InstructorHome.Actor), new Actor(instructor, "i@example.com", StaffRoles.Instructor));
        builder.CloseComponent();
    });

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_home_page_shows_it_is_loading_while_the_database_has_not_answered(string kind)
    {
        await using var silent = new SilentServer();
        await using var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = silent.Port, Username = "nobody", Timeout = 30 }.ConnectionString);
        await using var context = MudTestContext.Create();
        context.Services.AddHomeServices(dataSource);

        var page = Render(context, kind, Guid.NewGuid());

        page.WaitForAssertion(() => Assert.NotNull(page.Find("[data-testid=home-loading]")), TimeSpan.FromSeconds(10));
        Assert.Empty(page.FindAll("[data-testid=home-error]"));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_home_page_says_so_when_the_database_does_not_answer(string kind)
    {
        var unreachable = new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Username = "nobody", Port = LocalPostgresCluster.FreeTcpPort(), Timeout = 2 };
        await using var dataSource = NpgsqlDataSource.Create(unreachable.ConnectionString);
        await using var context = MudTestContext.Create();
        context.Services.AddHomeServices(dataSource);

        var page = Render(context, kind, Guid.NewGuid());

        page.WaitForAssertion(() => Assert.Contains("database did not answer", page.Find("[data-testid=home-error]").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_home_page_of_an_empty_platform_shows_zeros_and_says_there_is_nothing_yet(string kind)
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var context = MudTestContext.Create();
        context.Services.AddHomeServices(database.DataSource);

        var page = Render(context, kind, Guid.NewGuid());

        page.WaitForAssertion(() => Assert.Equal("$0.00", page.Find("[data-testid=period-0-revenue]").TextContent), TimeSpan.FromSeconds(10));
        Assert.Equal("No sales in the last 30 days.", page.Find("[data-testid=chart-empty]").TextContent);
        Assert.Empty(page.FindAll("[data-testid=home-error]"));
        if (kind == "admin") Assert.Equal("0", page.Find("[data-testid=students-value]").TextContent);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_home_page_shows_the_figures_and_follows_a_change_without_a_reload(string kind)
    {
        await using var database = await TestDatabase.CreateAsync();
        var people = new PeopleAndCourses(database);
        var instructor = await people.UserAsync(StaffRoles.Instructor);
        var course = await people.CourseAsync(instructor, 10m, title: "Rust for cats");
        await people.EnrollAsOwnerAsync(await people.UserAsync("Student"), course, 12.34m);
        await using var context = MudTestContext.Create();
        var live = context.Services.AddHomeServices(people.Runtime);

        var page = Render(context, kind, instructor);
        page.WaitForAssertion(() => Assert.Equal("$12.34", page.Find("[data-testid=period-0-revenue]").TextContent), TimeSpan.FromSeconds(10));
        Assert.Contains("Rust for cats", page.Markup, StringComparison.Ordinal);

        await people.EnrollAsOwnerAsync(await people.UserAsync("Student"), course, 0.66m);
        live.Changed();

        page.WaitForAssertion(() => Assert.Equal("$13.00", page.Find("[data-testid=period-0-revenue]").TextContent), TimeSpan.FromSeconds(10));
    }
}
