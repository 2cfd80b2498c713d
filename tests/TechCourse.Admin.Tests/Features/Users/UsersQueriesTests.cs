using TechCourse.Admin.Features.Users;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Infrastructure.Database;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Features.Users;

public sealed class UsersQueriesTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private readonly PeopleAndCourses data = new(database.Database);
    private UsersQueries Queries => new(data.Runtime);

    [Fact]
    public async Task A_new_user_is_stored_trimmed_and_the_same_email_in_another_case_is_already_registered()
    {
        var admin = await data.AdminAsync();
        var email = data.Email("Student");

        var created = await Queries.CreateAsync(admin, $"  {email}  ", StaffRoles.Student, default);
        var again = await Queries.CreateAsync(admin, email.ToUpperInvariant(), StaffRoles.Student, default);

        Assert.True(created.Succeeded);
        Assert.Equal(email, await data.ScalarAsync<string>("SELECT email FROM users WHERE user_id = @id", new { id = created.Value!.UserId }));
        Assert.Null(created.Value.Password);
        Assert.Equal(new FieldError("Email", UsersQueries.AlreadyRegistered), again.Error);
    }

    [Fact]
    public async Task The_database_itself_refuses_an_email_that_differs_only_in_case()
    {
        var email = data.Email("case");
        await data.UserAsync(StaffRoles.Student, email);

        var error = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => data.UserAsync(StaffRoles.Student, email.ToUpperInvariant()));

        Assert.Equal("users_email_lower_key", error.ConstraintName);
    }

    [Theory]
    [InlineData("not-an-email")]
    [InlineData("two@@example.com")]
    [InlineData("")]
    public async Task A_malformed_email_is_refused_at_the_email_field(string email)
    {
        var admin = await data.AdminAsync();

        var result = await Queries.CreateAsync(admin, email, StaffRoles.Student, default);

        Assert.Equal("Email", result.Error?.Field);
    }

    [Fact]
    public async Task Only_an_admin_may_create_users_or_change_roles()
    {
        var accounting = await data.StaffAsync(StaffRoles.Accounting);
        var student = await data.UserAsync(StaffRoles.Student);

        var created = await Queries.CreateAsync(accounting, data.Email("x"), StaffRoles.Student, default);
        var promoted = await Queries.ChangeRoleAsync(accounting, student, StaffRoles.Admin, default);

        Assert.Equal(DatabaseErrors.NotAllowed, created.Error?.Message);
        Assert.Equal(DatabaseErrors.NotAllowed, promoted.Error?.Message);
        Assert.Equal(StaffRoles.Student, await data.ScalarAsync<string>("SELECT role FROM users WHERE user_id = @student", new { student }));
    }

    [Fact]
    public async Task The_last_admin_cannot_be_demoted_but_one_of_two_can()
    {
        await using var own = await TestDatabase.CreateAsync();
        var people = new PeopleAndCourses(own);
        var queries = new UsersQueries(people.Runtime);
        var first = await people.AdminAsync();
        var second = await people.AdminAsync();

        Assert.True((await queries.ChangeRoleAsync(first, second.UserId, StaffRoles.Accounting, default)).Succeeded);
        var demoteLast = await queries.ChangeRoleAsync(first, first.UserId, StaffRoles.Accounting, default);

        Assert.Equal(UsersQueries.Constraints["users_last_admin"], demoteLast.Error);
        Assert.Equal(1L, await people.ScalarAsync<long>("SELECT count(*) FROM users WHERE role = 'Admin'"));
    }

    [Fact]
    public async Task Anonymising_a_student_keeps_every_enrollment_and_the_revenue_to_the_cent_and_removes_what_identifies_them()
    {
        var admin = await data.AdminAsync();
        var instructor = await data.UserAsync(StaffRoles.Instructor);
        var student = await data.UserAsync(StaffRoles.Student);
        var other = await data.UserAsync(StaffRoles.Student);
        var courseA = await data.CourseAsync(instructor, 19.99m);
        var courseB = await data.CourseAsync(instructor, 0.01m);
        await data.EnrollAsOwnerAsync(student, courseA, 19.99m);
        await data.EnrollAsOwnerAsync(student, courseB, 0.01m);
        await data.EnrollAsOwnerAsync(other, courseA, 17.35m);
        await data.ExecuteAsync("INSERT INTO user_credentials (user_id, password_hash) VALUES (@student, 'x')", new { student });
        const string Totals = "SELECT count(*)::text || ' ' || sum(amount_paid)::text FROM enrollments WHERE course_id IN (@courseA, @courseB)";
        var before = await data.ScalarAsync<string>(Totals, new { courseA, courseB });

        var result = await Queries.AnonymiseAsync(admin, student, default);

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal("3 37.35", before);
        Assert.Equal(before, await data.ScalarAsync<string>(Totals, new { courseA, courseB }));
        Assert.Equal(result.Value, await data.ScalarAsync<string>("SELECT email FROM users WHERE user_id = @student", new { student }));
        Assert.DoesNotContain("example.com", result.Value, StringComparison.Ordinal);
        Assert.Equal(0L, await data.ScalarAsync<long>("SELECT count(*) FROM user_credentials WHERE user_id = @student", new { student }));
        Assert.Empty(await Queries.StudentsMatchingAsync("removed-", default));
    }

    [Fact]
    public async Task A_student_with_enrollments_is_never_hard_deleted()
    {
        var admin = await data.AdminAsync();
        var student = await data.UserAsync(StaffRoles.Student);
        await data.EnrollAsOwnerAsync(student, await data.CourseAsync(await data.UserAsync(StaffRoles.Instructor), 5m), 5m);

        var result = await Queries.DeleteAsync(admin, student, default);

        Assert.Equal(UsersQueries.Constraints["users_has_history"], result.Error);
        Assert.Equal(1L, await data.ScalarAsync<long>("SELECT count(*) FROM enrollments WHERE student_id = @student", new { student }));
        Assert.False((await Queries.RemovalFactsAsync(student, default))!.CanHardDelete);
    }

    [Fact]
    public async Task A_user_without_history_is_deleted()
    {
        var admin = await data.AdminAsync();
        var student = await data.UserAsync(StaffRoles.Student);

        Assert.True((await Queries.RemovalFactsAsync(student, default))!.CanHardDelete);
        Assert.True((await Queries.DeleteAsync(admin, student, default)).Succeeded);
        Assert.Equal(0L, await data.ScalarAsync<long>("SELECT count(*) FROM users WHERE user_id = @student", new { student }));
    }

    [Fact]
    public async Task An_instructor_with_courses_is_removed_only_after_the_courses_are_reassigned()
    {
        var admin = await data.AdminAsync();
        var leaving = await data.UserAsync(StaffRoles.Instructor);
        var staying = await data.UserAsync(StaffRoles.Instructor);
        var course = await data.CourseAsync(leaving, 10m);

        var refused = await Queries.AnonymiseAsync(admin, leaving, default);
        var demoted = await Queries.ChangeRoleAsync(admin, leaving, StaffRoles.Student, default);
        var toStudent = await Queries.ReassignCoursesAsync(admin, leaving, await data.UserAsync(StaffRoles.Student), default);
        var moved = await Queries.ReassignCoursesAsync(admin, leaving, staying, default);
        var deleted = await Queries.DeleteAsync(admin, leaving, default);

        Assert.Equal(UsersQueries.Constraints["users_has_courses"], refused.Error);
        Assert.Equal(UsersQueries.Constraints["users_has_courses"], demoted.Error);
        Assert.Equal("Instructor", toStudent.Error?.Field);
        Assert.Equal(1, moved.Value);
        Assert.True(deleted.Succeeded, deleted.Error?.Message);
        Assert.Equal(staying, await data.ScalarAsync<Guid>("SELECT instructor_id FROM courses WHERE course_id = @course", new { course }));
    }

    [Fact]
    public async Task An_admin_cannot_remove_their_own_account()
    {
        var admin = await data.AdminAsync();
        await data.AdminAsync();

        Assert.Equal(UsersQueries.Constraints["users_remove_self"], (await Queries.AnonymiseAsync(admin, admin.UserId, default)).Error);
    }

    [Theory]
    [InlineData(UserSort.CreatedNewest)]
    [InlineData(UserSort.CreatedOldest)]
    [InlineData(UserSort.EmailAscending)]
    [InlineData(UserSort.EmailDescending)]
    public async Task Keyset_pages_visit_every_matching_user_once_in_order(UserSort sort)
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        var start = DateTimeOffset.UtcNow.AddDays(-3);
        var same = start.AddHours(1);
        var expected = new List<Guid>();
        for (var i = 0; i < 7; i++)
            expected.Add(await data.UserAsync(StaffRoles.Student, $"{(char)('a' + (i * 3 % 7))}-{tag}@example.com", i < 3 ? same : start.AddMinutes(i)));
        await data.UserAsync(StaffRoles.Instructor, $"z-{tag}@example.com");
        var filter = new UserFilter(tag.ToUpperInvariant(), StaffRoles.Student, sort);

        var seen = new List<UserRow>();
        UserCursor? cursor = null;
        do
        {
            var page = await Queries.PageAsync(filter, cursor, default, pageSize: 3);
            seen.AddRange(page.Rows);
            cursor = page.Next;
        } while (cursor is not null);

        Assert.Equal(expected.Order(), seen.Select(r => r.UserId).Order());
        var ordered = sort switch
        {
            UserSort.CreatedNewest => seen.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.UserId.ToString()),
            UserSort.CreatedOldest => seen.OrderBy(r => r.CreatedAt).ThenBy(r => r.UserId.ToString()),
            UserSort.EmailAscending => seen.OrderBy(r => r.Email, StringComparer.Ordinal),
            _ => seen.OrderByDescending(r => r.Email, StringComparer.Ordinal),
        };
        Assert.Equal(ordered.Select(r => r.UserId), seen.Select(r => r.UserId));
        Assert.Equal(expected.Count, (await Queries.PageAsync(filter, null, default)).Estimate);
    }

    [Fact]
    public async Task Search_treats_percent_and_underscore_as_plain_characters()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        var literal = await data.UserAsync(StaffRoles.Student, $"a_b-{tag}@example.com");
        await data.UserAsync(StaffRoles.Student, $"axb-{tag}@example.com");

        var page = await Queries.PageAsync(new UserFilter($"a_b-{tag}"), null, default);

        Assert.Equal(literal, Assert.Single(page.Rows).UserId);
    }

    [Fact]
    public async Task Student_autocomplete_finds_active_students_by_substring_or_short_prefix_only()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        var student = await data.UserAsync(StaffRoles.Student, $"Qy.{tag}@example.com");
        await data.UserAsync(StaffRoles.Instructor, $"qy.teacher.{tag}@example.com");

        var bySubstring = await Queries.StudentsMatchingAsync(tag[2..8], default);
        var byPrefix = await Queries.StudentsMatchingAsync("qy", default);

        Assert.Equal(student, Assert.Single(bySubstring).UserId);
        Assert.Contains(byPrefix, c => c.UserId == student);
        Assert.DoesNotContain(byPrefix, c => c.Email.Contains("teacher", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_students_profile_totals_what_they_paid()
    {
        var student = await data.UserAsync(StaffRoles.Student);
        var instructor = await data.UserAsync(StaffRoles.Instructor);
        await data.EnrollAsOwnerAsync(student, await data.CourseAsync(instructor, 10m), 9.99m);
        await data.EnrollAsOwnerAsync(student, await data.CourseAsync(instructor, 10m), 0.02m);

        var profile = await Queries.ProfileAsync(student, default);
        var rows = await Queries.EnrollmentsOfAsync(student, default);

        Assert.Equal((2L, 10.01m), (profile!.Enrollments, profile.TotalPaid));
        Assert.Equal(10.01m, rows.Sum(r => r.AmountPaid));
    }

    [Theory]
    [InlineData(UserSort.CreatedNewest)]
    [InlineData(UserSort.EmailAscending)]
    public async Task A_search_gives_the_same_pages_whether_the_walk_fills_them_or_the_trigram_index_answers(UserSort sort)
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        var start = DateTimeOffset.UtcNow.AddDays(-2);
        for (var i = 0; i < 12; i++)
        {
            await data.UserAsync(StaffRoles.Student, $"m{i:D2}.{tag}@example.com", start.AddMinutes(i * 2));
            await data.UserAsync(StaffRoles.Student, $"other{i:D2}.{Guid.NewGuid():N}@example.com", start.AddMinutes(i * 2 + 1));
        }
        var filter = new UserFilter(tag.ToUpperInvariant(), StaffRoles.Student, sort);

        // A window of 1,000,000 users reads all of them; a window of 3 fills no page of 5 and asks the trigram index.
        var walked = await AllPagesAsync(filter, window: 1_000_000);
        var lookedUp = await AllPagesAsync(filter, window: 3);

        Assert.Equal(12, walked.Count);
        Assert.Equal(walked, lookedUp);
    }

    [Fact]
    public async Task The_first_page_of_a_search_counts_the_matches_exactly_when_it_saw_them_all()
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        for (var i = 0; i < 7; i++) await data.UserAsync(StaffRoles.Student, $"c{i}.{tag}@example.com");

        var walked = await Queries.PageAsync(new UserFilter(tag), null, default, pageSize: 50, searchWindow: 1_000_000);
        var lookedUp = await Queries.PageAsync(new UserFilter(tag), null, default, pageSize: 3, searchWindow: 2);

        Assert.Equal((7, 7L), (walked.Rows.Count, walked.Estimate));
        Assert.Equal((3, 7L), (lookedUp.Rows.Count, lookedUp.Estimate));
    }

    [Fact]
    public async Task A_staff_account_created_by_an_admin_gets_a_one_time_password_that_signs_in()
    {
        var admin = await data.AdminAsync();
        var email = data.Email("instructor");

        var created = await Queries.CreateAsync(admin, email, StaffRoles.Instructor, default);
        var signIn = await new SignInService(new AccountStore(data.Runtime)).SignInAsync(email, created.Value!.Password, "127.0.0.1", default);

        Assert.Null(PasswordPolicy.Problem(created.Value.Password));
        Assert.Equal((SignInOutcome.SignedIn, StaffRoles.Instructor), (signIn.Outcome, signIn.Actor?.Role));
        Assert.Equal(created.Value.UserId, signIn.Actor!.UserId);
    }

    [Fact]
    public async Task A_reset_password_replaces_the_old_one_and_ends_a_lockout()
    {
        var admin = await data.AdminAsync();
        var email = data.Email("accounting");
        var created = (await Queries.CreateAsync(admin, email, StaffRoles.Accounting, default)).Value!;
        var signIn = new SignInService(new AccountStore(data.Runtime));
        for (var i = 0; i < SignInService.MaxFailures; i++) await signIn.SignInAsync(email, "not the password at all", null, default);
        var locked = await signIn.SignInAsync(email, created.Password, null, default);

        var reset = await Queries.ResetPasswordAsync(admin, created.UserId, default);

        Assert.Equal(SignInOutcome.LockedOut, locked.Outcome);
        Assert.Equal(SignInOutcome.SignedIn, (await signIn.SignInAsync(email, reset.Value, null, default)).Outcome);
        Assert.Equal(SignInOutcome.Invalid, (await signIn.SignInAsync(email, created.Password, null, default)).Outcome);
    }

    [Fact]
    public async Task Only_an_admin_resets_passwords_and_a_student_gets_none()
    {
        var admin = await data.AdminAsync();
        var accounting = await data.StaffAsync(StaffRoles.Accounting);
        var student = await data.UserAsync(StaffRoles.Student);

        var byAccounting = await Queries.ResetPasswordAsync(accounting, admin.UserId, default);
        var forStudent = await Queries.ResetPasswordAsync(admin, student, default);

        Assert.Equal(DatabaseErrors.NotAllowed, byAccounting.Error?.Message);
        Assert.Equal(UsersQueries.Constraints["users_password_staff_only"], forStudent.Error);
        Assert.Equal(0L, await data.ScalarAsync<long>("SELECT count(*) FROM user_credentials WHERE user_id = ANY(@ids)", new { ids = new[] { admin.UserId, student } }));
    }

    private async Task<List<Guid>> AllPagesAsync(UserFilter filter, int window)
    {
        var seen = new List<Guid>();
        UserCursor? cursor = null;
        do
        {
            var page = await Queries.PageAsync(filter, cursor, default, pageSize: 5, searchWindow: window);
            seen.AddRange(page.Rows.Select(r => r.UserId));
            cursor = page.Next;
        } while (cursor is not null);
        return seen;
    }
}
