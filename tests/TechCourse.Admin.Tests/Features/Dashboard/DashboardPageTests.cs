using Bunit;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using TechCourse.Admin.Features.Dashboard;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Features.Dashboard;

public sealed class DashboardPageTests
{
    private static readonly Actor AnAdmin = new(Guid.NewGuid(), "admin@example.com", StaffRoles.Admin);

    private static async Task InsertFourEnrollmentsWorth30_31Async(TestDatabase database)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            INSERT INTO users (email, role) VALUES ('ada@techcourse.com', 'Instructor'), ('s1@example.com', 'Student'), ('s2@example.com', 'Student'), ('s3@example.com', 'Student');
            INSERT INTO courses (instructor_id, title, price, is_published)
            SELECT user_id, t.title, t.price, t.published FROM users, (VALUES ('Course A', 10.10, true), ('Course B', 20.20, false)) AS t(title, price, published)
            WHERE email = 'ada@techcourse.com';
            INSERT INTO enrollments (student_id, course_id, amount_paid)
            SELECT u.user_id, c.course_id, c.price FROM users u CROSS JOIN courses c WHERE u.role = 'Student' AND c.title = 'Course A';
            INSERT INTO enrollments (student_id, course_id, amount_paid)
            SELECT u.user_id, c.course_id, 0.01 FROM users u CROSS JOIN courses c WHERE u.email = 's1@example.com' AND c.title = 'Course B';
            """);
    }

    [Fact]
    public async Task The_dashboard_shows_the_live_figures_of_the_database()
    {
        await using var database = await TestDatabase.CreateAsync();
        await InsertFourEnrollmentsWorth30_31Async(database);
        await using var context = MudTestContext.Create().SignedInAs(AnAdmin);
        context.Services.AddSingleton(new DashboardQueries(database.DataSource));

        var page = context.Render<DashboardPage>();

        page.WaitForAssertion(() => Assert.Equal("3", page.Find("[data-testid=students-value]").TextContent), TimeSpan.FromSeconds(10));
        Assert.Equal("1", page.Find("[data-testid=instructors-value]").TextContent);
        Assert.Equal("2", page.Find("[data-testid=courses-value]").TextContent);
        Assert.Contains("1 published", page.Find("[data-testid=courses]").TextContent, StringComparison.Ordinal);
        Assert.Equal("4", page.Find("[data-testid=enrollments-value]").TextContent);
        Assert.Equal("$30.31", page.Find("[data-testid=gross-revenue-value]").TextContent);
    }

    [Fact]
    public async Task The_dashboard_says_so_when_the_database_does_not_answer()
    {
        await using var context = MudTestContext.Create().SignedInAs(AnAdmin);
        var unreachable = new Npgsql.NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Username = "nobody", Port = Admin.Infrastructure.Postgres.LocalPostgresCluster.FreeTcpPort(), Timeout = 2 };
        await using var dataSource = Npgsql.NpgsqlDataSource.Create(unreachable.ConnectionString);
        context.Services.AddSingleton(new DashboardQueries(dataSource));

        var page = context.Render<DashboardPage>();

        page.WaitForAssertion(() => Assert.Contains("database did not answer", page.Find("[role=alert]").TextContent, StringComparison.Ordinal), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task An_instructor_sees_only_the_figures_of_their_own_courses_not_the_platforms()
    {
        await using var database = await TestDatabase.CreateAsync();
        await InsertFourEnrollmentsWorth30_31Async(database);
        await using (var connection = await database.DataSource.OpenConnectionAsync())
            await connection.ExecuteAsync("""
                INSERT INTO users (email, role) VALUES ('grace@techcourse.com', 'Instructor'), ('s4@example.com', 'Student');
                INSERT INTO courses (instructor_id, title, price, is_published) SELECT user_id, 'Grace course', 99.00, true FROM users WHERE email = 'grace@techcourse.com';
                INSERT INTO enrollments (student_id, course_id, amount_paid)
                SELECT u.user_id, c.course_id, 99.00 FROM users u CROSS JOIN courses c WHERE u.email IN ('s1@example.com', 's4@example.com') AND c.title = 'Grace course';
                """);
        var grace = new Actor(await database.DataSource.CreateCommand("SELECT user_id FROM users WHERE email = 'grace@techcourse.com'").ExecuteScalarAsync() is Guid id ? id : Guid.Empty,
            "grace@techcourse.com", StaffRoles.Instructor);
        await using var context = MudTestContext.Create().SignedInAs(grace);
        context.Services.AddSingleton(new DashboardQueries(database.DataSource));

        var page = context.Render<DashboardPage>();

        page.WaitForAssertion(() => Assert.Equal("$198.00", page.Find("[data-testid=gross-revenue-value]").TextContent), TimeSpan.FromSeconds(10));
        Assert.Equal(("2", "1", "2"), (page.Find("[data-testid=students-value]").TextContent, page.Find("[data-testid=courses-value]").TextContent,
            page.Find("[data-testid=enrollments-value]").TextContent));
        Assert.Empty(page.FindAll("[data-testid=instructors]"));
        Assert.DoesNotContain("$30.31", page.Markup, StringComparison.Ordinal);
        Assert.Contains("your courses", page.Markup, StringComparison.OrdinalIgnoreCase);
    }
}
