using TechCourse.Admin.Features.Courses;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Features.Courses;

public sealed class CoursesQueriesTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private readonly CourseTestData data = new(database.Database);
    private CoursesQueries Queries => new(data.Runtime);

    private async Task<(Actor Instructor, string Tag)> InstructorWithCoursesAsync()
    {
        var instructor = await data.StaffAsync(StaffRoles.Instructor);
        var tag = Guid.NewGuid().ToString("N")[..10];
        await data.CourseAsync(instructor, $"Intro to Rust {tag}", 20m, true, """{"questions": 10, "difficulty": "Easy", "passing_score": 60}""");
        await data.CourseAsync(instructor, $"Advanced Rust {tag}", 120m, false, """{"questions": 40, "difficulty": "Hard", "passing_score": 80, "time_limit_minutes": 30}""");
        await data.CourseAsync(instructor, $"Postgres 100%_done {tag}", 75.5m, true, null);
        return (instructor, tag);
    }

    private static string[] Titles(CoursePage page) => page.Rows.Select(r => r.Title[..r.Title.LastIndexOf(' ')]).ToArray();

    [Fact]
    public async Task An_instructor_sees_only_their_own_courses_even_when_asking_for_another_instructor()
    {
        var (ada, tag) = await InstructorWithCoursesAsync();
        var bob = await data.StaffAsync(StaffRoles.Instructor, "bob");
        await data.CourseAsync(bob, $"Bob's course {tag}");

        var page = await Queries.PageAsync(ada, new CoursePageRequest(new CourseFilter(InstructorId: bob.UserId)), default);

        Assert.Equal(3, page.TotalCount);
        Assert.All(page.Rows, r => Assert.Equal(ada.UserId, r.InstructorId));
    }

    [Fact]
    public async Task An_admin_filters_by_instructor_and_sees_their_email()
    {
        var (ada, _) = await InstructorWithCoursesAsync();
        var admin = await data.StaffAsync(StaffRoles.Admin, "root");

        var page = await Queries.PageAsync(admin, new CoursePageRequest(new CourseFilter(InstructorId: ada.UserId)), default);

        Assert.Equal(["Advanced Rust", "Intro to Rust", "Postgres 100%_done"], Titles(page));
        Assert.All(page.Rows, r => Assert.Equal(ada.Email, r.InstructorEmail));
    }

    [Fact]
    public async Task The_title_search_matches_anywhere_case_insensitively_and_treats_wildcards_literally()
    {
        var (ada, _) = await InstructorWithCoursesAsync();

        Assert.Equal(["Advanced Rust", "Intro to Rust"], Titles(await Queries.PageAsync(ada, new CoursePageRequest(new CourseFilter(Search: "rUST")), default)));
        Assert.Equal(["Postgres 100%_done"], Titles(await Queries.PageAsync(ada, new CoursePageRequest(new CourseFilter(Search: "100%_")), default)));
        Assert.Empty((await Queries.PageAsync(ada, new CoursePageRequest(new CourseFilter(Search: "1_0")), default)).Rows);
    }

    [Fact]
    public async Task Quiz_metadata_filters_use_containment_and_combine_with_published_and_price_range()
    {
        var (ada, _) = await InstructorWithCoursesAsync();

        Assert.Equal(["Advanced Rust"], Titles(await Queries.PageAsync(ada, new CoursePageRequest(new CourseFilter(Difficulty: "Hard")), default)));
        Assert.Equal(["Intro to Rust"], Titles(await Queries.PageAsync(ada, new CoursePageRequest(new CourseFilter(PassingScore: 60)), default)));
        Assert.Equal(["Intro to Rust", "Postgres 100%_done"], Titles(await Queries.PageAsync(ada, new CoursePageRequest(new CourseFilter(Published: true)), default)));
        Assert.Equal(["Advanced Rust"], Titles(await Queries.PageAsync(ada, new CoursePageRequest(new CourseFilter(Published: false)), default)));
        Assert.Equal(["Postgres 100%_done"], Titles(await Queries.PageAsync(ada, new CoursePageRequest(new CourseFilter(MinPrice: 20.01m, MaxPrice: 120m, Published: true)), default)));
        Assert.Equal(["Intro to Rust"], Titles(await Queries.PageAsync(ada, new CoursePageRequest(new CourseFilter(MaxPrice: 20m)), default)));
    }

    [Theory]
    [InlineData(CourseSort.Title, false, "Advanced Rust,Intro to Rust,Postgres 100%_done")]
    [InlineData(CourseSort.Price, true, "Advanced Rust,Postgres 100%_done,Intro to Rust")]
    [InlineData(CourseSort.Published, false, "Advanced Rust,Intro to Rust,Postgres 100%_done")]
    [InlineData(CourseSort.PassingScore, true, "Advanced Rust,Intro to Rust,Postgres 100%_done")]
    [InlineData(CourseSort.Enrollments, true, "Intro to Rust,Postgres 100%_done,Advanced Rust")]
    [InlineData(CourseSort.Revenue, true, "Postgres 100%_done,Intro to Rust,Advanced Rust")]
    public async Task Each_allow_listed_sort_orders_the_rows_and_courses_without_a_value_come_last(CourseSort sort, bool descending, string expected)
    {
        var instructor = await data.StaffAsync(StaffRoles.Instructor);
        var tag = Guid.NewGuid().ToString("N")[..10];
        var intro = await data.CourseAsync(instructor, $"Intro to Rust {tag}", 20m, true, """{"passing_score": 60}""");
        await data.CourseAsync(instructor, $"Advanced Rust {tag}", 120m, false, """{"passing_score": 80}""");
        var postgres = await data.CourseAsync(instructor, $"Postgres 100%_done {tag}", 75.5m, true, null);
        await data.EnrollAsync(intro, 3, 20m);
        await data.EnrollAsync(postgres, 2, 75.5m);

        var page = await Queries.PageAsync(instructor, new CoursePageRequest(new CourseFilter(), sort, descending), default);

        Assert.Equal(expected, string.Join(',', Titles(page)));
    }

    [Fact]
    public async Task Rows_carry_enrollments_and_gross_revenue_and_pages_split_the_total()
    {
        var instructor = await data.StaffAsync(StaffRoles.Instructor);
        var courses = new List<int>();
        for (var i = 0; i < 5; i++) courses.Add(await data.CourseAsync(instructor, $"Course {i}", 10m + i));
        await data.EnrollAsync(courses[1], 4, 9.99m);

        var second = await Queries.PageAsync(instructor, new CoursePageRequest(new CourseFilter(), CourseSort.Title, Page: 1, PageSize: 2), default);

        Assert.Equal(5, second.TotalCount);
        Assert.Equal(["Course 2", "Course 3"], second.Rows.Select(r => r.Title));
        var first = await Queries.PageAsync(instructor, new CoursePageRequest(new CourseFilter(), CourseSort.Title, PageSize: 2), default);
        Assert.Equal((4L, 39.96m), (first.Rows[1].Enrollments, first.Rows[1].GrossRevenue));
        Assert.Equal((0L, 0m), (first.Rows[0].Enrollments, first.Rows[0].GrossRevenue));
    }

    [Fact]
    public async Task A_page_of_a_filter_already_counted_is_read_without_counting_again()
    {
        var instructor = await data.StaffAsync(StaffRoles.Instructor);
        for (var i = 0; i < 3; i++) await data.CourseAsync(instructor, $"Course {i}", 10m + i);

        // A deliberately wrong known total shows it is passed through rather than recounted.
        var page = await Queries.PageAsync(instructor, new CoursePageRequest(new CourseFilter(), CourseSort.Title, Page: 1, PageSize: 2, KnownTotal: 41), default);

        Assert.Equal(41, page.TotalCount);
        Assert.Equal(["Course 2"], page.Rows.Select(r => r.Title));
    }

    [Fact]
    public async Task Instructors_are_found_by_part_of_their_email_by_an_admin_and_by_no_one_else()
    {
        var ada = await data.StaffAsync(StaffRoles.Instructor, "zelda-quinn");
        var admin = await data.StaffAsync(StaffRoles.Admin, "root");

        var found = await Queries.InstructorsAsync(admin, "ZELDA-q", default);

        Assert.Contains(found, i => i.UserId == ada.UserId && i.Email == ada.Email);
        Assert.Empty(await Queries.InstructorsAsync(ada, "ZELDA-q", default));
        Assert.Null(await Queries.InstructorAsync(ada, ada.UserId, default));
    }

    [Fact]
    public async Task A_course_is_found_for_its_instructor_and_admins_but_not_for_other_instructors()
    {
        var (ada, _) = await InstructorWithCoursesAsync();
        var course = await data.CourseAsync(ada, "Mine", 10m, true, """{"questions": 5, "custom": {"a": 1}}""");
        var bob = await data.StaffAsync(StaffRoles.Instructor, "bob");
        var admin = await data.StaffAsync(StaffRoles.Admin, "root");

        var mine = await Queries.FindAsync(ada, course, default);

        Assert.Equal(("Mine", 10m, ada.Email), (mine!.Title, mine.Price, mine.InstructorEmail));
        Assert.Contains("\"custom\"", mine.QuizMetadata, StringComparison.Ordinal);
        Assert.Null(await Queries.FindAsync(bob, course, default));
        Assert.NotNull(await Queries.FindAsync(admin, course, default));
    }
}
