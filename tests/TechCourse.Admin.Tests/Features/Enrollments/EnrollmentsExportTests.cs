using System.Net;
using Dapper;
using Npgsql;
using TechCourse.Admin.Features.Enrollments;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Features.Enrollments;

public sealed class EnrollmentsExportTests(RunningAppFixture app) : IClassFixture<RunningAppFixture>
{
    [Fact]
    public async Task Anonymous_visitors_get_no_export()
    {
        using var client = app.NewClient();

        var response = await client.GetAsync(new Uri(EnrollmentsExport.Path, UriKind.Relative));

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Accounting_exports_exactly_the_rows_of_one_courses_filter_as_csv()
    {
        await using var owner = new NpgsqlConnection(app.OwnerConnectionString);
        var (courseId, count, total) = await owner.QuerySingleAsync<(int, long, decimal)>("""
            SELECT course_id, count(*), sum(amount_paid) FROM enrollments GROUP BY course_id ORDER BY count(*) DESC, course_id LIMIT 1
            """);
        var (email, _, password) = DemoAccounts.All.Single(a => a.Role == StaffRoles.Accounting);
        using var client = await app.SignedInClientAsync(email, password);

        var response = await client.GetAsync(new Uri(EnrollmentsExport.UrlFor(new EnrollmentFilter(CourseId: courseId)), UriKind.Relative));
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("enrollment_id,enrolled_at_utc,student_id,student_email,course_id", lines[0], StringComparison.Ordinal);
        Assert.Equal(count, lines.Length - 1);
        Assert.True(count > 0);
        Assert.Equal(total, lines.Skip(1).Sum(line => decimal.Parse(line.Split(',')[^3].Trim('"'), System.Globalization.CultureInfo.InvariantCulture)));
    }
}
