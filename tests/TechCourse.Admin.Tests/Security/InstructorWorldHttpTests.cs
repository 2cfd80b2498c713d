using System.Net;
using Dapper;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Security;

// Issue 19, section 4 over HTTP: the prerendered pages and the exports as Ada, an instructor, with Bob's world beside
// hers; the same requests as an admin show what Ada must not see, so each absence is not an accident of the data.
[Trait("Category", "Security")]
public sealed class InstructorWorldHttpTests(InstructorWorldHttpTests.App app) : IClassFixture<InstructorWorldHttpTests.App>
{
    [Fact]
    public async Task Audit_filtered_by_another_instructors_course_shows_nothing_of_it_not_even_its_title()
    {
        var ada = await app.PageAsync(app.Ada, $"/audit?course={app.World.BobDraft}");
        var missing = await app.PageAsync(app.Ada, $"/audit?course={int.MaxValue - 7}");
        var admin = await app.PageAsync(app.Admin, $"/audit?course={app.World.BobDraft}");

        Assert.Contains(app.World.BobDraftTitle, admin, StringComparison.Ordinal);
        Assert.DoesNotContain(app.World.BobDraftTitle, ada, StringComparison.Ordinal);
        Assert.Contains($"#{app.World.BobDraft}", ada, StringComparison.Ordinal);
        Assert.Contains($"#{int.MaxValue - 7}", missing, StringComparison.Ordinal);
        Assert.Contains("No price changes match these filters.", ada, StringComparison.Ordinal);
        Assert.Contains("No price changes match these filters.", missing, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_filtered_by_an_actor_names_the_actor_only_if_they_changed_one_of_the_instructors_courses()
    {
        var bob = await app.PageAsync(app.Ada, $"/audit?actor={app.World.Bob.UserId}");
        var accountant = await app.PageAsync(app.Ada, $"/audit?actor={app.World.Accountant.UserId}");
        var byInstructor = await app.PageAsync(app.Ada, $"/audit?instructor={app.World.Bob.UserId}");
        var admin = await app.PageAsync(app.Ada, $"/audit?actor={app.World.Admin.UserId}");
        var asAdmin = await app.PageAsync(app.Admin, $"/audit?actor={app.World.Bob.UserId}");

        Assert.Contains($"{app.World.Bob.Email} (Instructor)", asAdmin, StringComparison.Ordinal);
        Assert.DoesNotContain(app.World.Bob.Email, bob, StringComparison.Ordinal);
        Assert.DoesNotContain(app.World.Bob.Email, byInstructor, StringComparison.Ordinal);
        Assert.DoesNotContain(app.World.Accountant.Email, accountant, StringComparison.Ordinal);
        Assert.Contains($"{app.World.Admin.Email} (Admin)", admin, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_integrity_and_the_size_of_the_whole_log_are_shown_to_admins_only()
    {
        await Eventually.WaitForAsync(async () => (await app.PageAsync(app.Admin, "/audit")).Contains("data-testid=\"sealed-up-to\"", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20), "the sealer to report");

        var ada = await app.PageAsync(app.Ada, "/audit");
        var admin = await app.PageAsync(app.Admin, "/audit");

        Assert.Contains("Verify integrity", admin, StringComparison.Ordinal);
        Assert.DoesNotContain("Verify integrity", ada, StringComparison.Ordinal);
        Assert.DoesNotContain("sealed-up-to", ada, StringComparison.Ordinal);
        Assert.Contains(app.World.AdaCourseTitle, ada, StringComparison.Ordinal);
        Assert.DoesNotContain(app.World.BobCourseTitle, ada, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_dashboard_shows_an_instructor_their_own_figures_and_not_the_platforms_revenue_or_user_counts()
    {
        var ada = await app.PageAsync(app.Ada, "/");
        var admin = await app.PageAsync(app.Admin, "/");

        Assert.Contains("$100.00", admin, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"instructors\"", admin, StringComparison.Ordinal);
        Assert.Contains("$50.00", ada, StringComparison.Ordinal);
        Assert.DoesNotContain("$100.00", ada, StringComparison.Ordinal);
        Assert.DoesNotContain("data-testid=\"instructors\"", ada, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/enrollments")]
    [InlineData("/courses")]
    [InlineData("/sales")]
    [InlineData("/audit")]
    [InlineData("/exports/enrollments.csv")]
    [InlineData("/exports/audit.csv")]
    [InlineData("/exports/sales/by-course?from={from}&to={to}")]
    [InlineData("/exports/sales/courses-in-range?from={from}&to={to}")]
    [InlineData("/exports/sales/by-instructor?from={from}&to={to}")]
    [InlineData("/exports/sales/by-day?from={from}&to={to}")]
    public async Task No_page_or_export_an_instructor_opens_carries_another_instructors_courses_students_or_email(string path)
    {
        var url = path.Replace("{from}", DateTime.UtcNow.AddDays(-30).ToString("yyyy-MM-dd", null), StringComparison.Ordinal)
            .Replace("{to}", DateTime.UtcNow.AddDays(1).ToString("yyyy-MM-dd", null), StringComparison.Ordinal);

        var ada = await app.PageAsync(app.Ada, url);

        foreach (var secret in new[] { app.World.BobDraftTitle, app.World.BobCourseTitle, app.World.BobStudentEmail, app.World.Bob.Email })
            Assert.DoesNotContain(secret, ada, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_price_changes_of_a_deleted_course_stay_on_the_page_and_in_the_csv_as_deleted_course_with_its_title()
    {
        var page = await app.PageAsync(app.Ada, $"/audit?course={app.RetiredCourse}");
        var csv = await app.PageAsync(app.Ada, "/exports/audit.csv");
        var adminCsv = await app.PageAsync(app.Admin, $"/exports/audit.csv?course={app.RetiredCourse}");

        var label = $"deleted course #{app.RetiredCourse} (Retired {app.World.Tag})";
        Assert.Contains(label, page, StringComparison.Ordinal);
        Assert.Equal(2, csv.Split('\n').Count(line => line.Contains(label, StringComparison.Ordinal)));
        Assert.Equal(3, adminCsv.Trim().Split('\n').Length);
    }

    public sealed class App : IAsyncLifetime
    {
        private const string Password = "Instructor-World-Pass-2026!";
        private TestDatabase? database;
        private TestApp? process;

        public TwoInstructors World { get; private set; } = null!;
        public int RetiredCourse { get; private set; }
        public HttpClient Ada { get; private set; } = null!;
        public HttpClient Admin { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            database = await TestDatabase.CreateAsync();
            await using (var owner = await database.DataSource.OpenConnectionAsync())
            {
                World = await TwoInstructors.CreateAsync(database.DataSource,
                    (email, role) => StaffAccounts.CreateOrResetAsync(owner, email, role, Password, CancellationToken.None));
                RetiredCourse = await owner.ExecuteScalarAsync<int>("INSERT INTO courses (instructor_id, title, price) VALUES (@id, @title, 10) RETURNING course_id",
                    new { id = World.Ada.UserId, title = $"Retired {World.Tag}" });
                await TwoInstructors.LogAsync(owner, RetiredCourse, 10, 12, World.Ada.UserId);
                await TwoInstructors.LogAsync(owner, RetiredCourse, 12, 9, World.Admin.UserId);
                await owner.ExecuteAsync("DELETE FROM courses WHERE course_id = @RetiredCourse", new { RetiredCourse });
            }
            process = await ExternalApp.StartAsync(database);
            Ada = await SignInAsync(World.Ada.Email);
            Admin = await SignInAsync(World.Admin.Email);
        }

        private async Task<HttpClient> SignInAsync(string email)
        {
            var client = ExternalApp.NewClient(process!);
            var response = await ExternalApp.PostSignInAsync(client, email, Password);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            return client;
        }

        public async Task<string> PageAsync(HttpClient client, string url)
        {
            using var response = await client.GetAsync(new Uri(url, UriKind.Relative));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {body}");
            return body;
        }

        public async Task DisposeAsync()
        {
            Ada?.Dispose();
            Admin?.Dispose();
            if (process is not null) await process.DisposeAsync();
            if (database is not null) await database.DisposeAsync();
        }
    }
}
