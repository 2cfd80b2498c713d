using Dapper;
using Npgsql;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Infrastructure.Database;

namespace TechCourse.Admin.Features.Users;

// A write either succeeds with a value or fails with a message the form shows (at a field when it belongs to one).
public sealed record WriteResult<T>(T? Value, FieldError? Error)
{
    public bool Succeeded => Error is null;
    public static WriteResult<T> Ok(T value) => new(value, null);
    public static WriteResult<T> Fail(FieldError error) => new(default, error);
}

public sealed class UsersQueries(NpgsqlDataSource dataSource)
{
    public const int PageSize = 50;
    // How many users a search reads in page order before it asks the trigram index instead (UserListSql).
    public const int SearchWindow = 10_000;
    public const string AlreadyRegistered = "This email is already registered.";

    public static readonly IReadOnlyDictionary<string, FieldError> Constraints = new Dictionary<string, FieldError>
    {
        ["users_email_key"] = new("Email", AlreadyRegistered),
        ["users_email_lower_key"] = new("Email", AlreadyRegistered),
        ["users_email_format"] = new("Email", "Enter a valid email address, like name@example.com (at most 150 characters)."),
        ["users_role_check"] = new("Role", "Pick one of the roles."),
        ["users_last_admin"] = new("Role", "This is the last admin: make someone else an admin first."),
        ["users_has_courses"] = new(null, "This person still teaches courses: reassign their courses to another instructor first."),
        ["users_has_history"] = new(null, "This person has enrollments or price changes on record: anonymise them instead of deleting."),
        ["users_remove_self"] = new(null, "You cannot remove your own account."),
        ["users_not_found"] = new(null, "This user no longer exists or was already anonymised. Reload the list."),
        ["users_password_staff_only"] = new(null, "Only staff sign in: students get no password. Change the role first."),
        ["courses_reassign_target"] = new("Instructor", "Pick another active instructor."),
    };

    public async Task<UserPage> PageAsync(UserFilter filter, UserCursor? after, CancellationToken ct, int pageSize = PageSize, int searchWindow = SearchWindow)
    {
        if (Like.CannotMatch(filter.Search)) return new UserPage([], null, 0);
        var (sql, args) = UserListSql.Build(filter, after, pageSize + 1, searchWindow);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = (await connection.QueryAsync<UserListRow>(new CommandDefinition(sql, args, cancellationToken: ct))).ToList();
        var page = rows.Take(pageSize).Select(r => r.User).ToList();
        var next = rows.Count > pageSize ? UserCursor.After(page[^1]) : null;
        return new UserPage(page, next, rows.Count == 0 ? 0 : rows[0].Total);
    }

    // Students by email for the enrollment form: substring from 3 characters (as the users search), prefix before.
    public async Task<IReadOnlyList<UserChoice>> StudentsMatchingAsync(string? term, CancellationToken ct, int limit = 10)
    {
        term = term?.Trim().ToLowerInvariant() ?? "";
        if (term.Length == 0 || Like.CannotMatch(term)) return [];
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        if (term.Length >= 3)
        {
            var (sql, args) = UserListSql.Build(new UserFilter(term, StaffRoles.Student, UserSort.EmailAscending), null, limit, SearchWindow, activeOnly: true);
            return (await connection.QueryAsync<UserListRow>(new CommandDefinition(sql, args, cancellationToken: ct))).Select(r => new UserChoice(r.UserId, r.Email)).ToList();
        }
        return (await connection.QueryAsync<UserChoice>(new CommandDefinition("""
            SELECT user_id, email FROM users
            WHERE role = 'Student' AND anonymised_at IS NULL AND lower(email) >= @prefix AND lower(email) < @prefixEnd
            ORDER BY lower(email) LIMIT @limit
            """, new { prefix = term, prefixEnd = Like.PrefixEnd(term), limit }, cancellationToken: ct))).ToList();
    }

    // Students the viewer may filter enrollments by: any active student for Admin and Accounting; for an Instructor only
    // those enrolled in one of their courses (substring of the email), never the rest of the platform's students.
    public async Task<IReadOnlyList<UserChoice>> StudentsMatchingAsync(Actor viewer, string? term, CancellationToken ct, int limit = 10)
    {
        if (viewer.Role is StaffRoles.Admin or StaffRoles.Accounting) return await StudentsMatchingAsync(term, ct, limit);
        term = term?.Trim().ToLowerInvariant() ?? "";
        if (viewer.Role != StaffRoles.Instructor || term.Length == 0 || Like.CannotMatch(term)) return [];
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        // Their students first (a few thousand, from the per-course index), then their emails: walking all users in email
        // order and testing each for membership read ~120,000 buffers at full scale instead of ~15,000.
        return (await connection.QueryAsync<UserChoice>(new CommandDefinition("""
            WITH students AS MATERIALIZED (
                SELECT DISTINCT e.student_id FROM courses c JOIN enrollments e ON e.course_id = c.course_id WHERE c.instructor_id = @viewer)
            SELECT u.user_id, u.email FROM students s JOIN users u ON u.user_id = s.student_id
            WHERE u.role = 'Student' AND u.anonymised_at IS NULL AND strpos(lower(u.email), @term) > 0
            ORDER BY lower(u.email) LIMIT @limit
            """, new { viewer = viewer.UserId, term, limit }, cancellationToken: ct))).ToList();
    }

    // The student a filter in the address names, to show their email (to an instructor, only a student of their courses).
    public async Task<UserChoice?> StudentAsync(Actor viewer, Guid userId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<UserChoice>(new CommandDefinition("""
            SELECT u.user_id, u.email FROM users u
            WHERE u.user_id = @userId AND u.role = 'Student'
              AND (@instructor::uuid IS NULL OR EXISTS (
                  SELECT 1 FROM enrollments e JOIN courses c ON c.course_id = e.course_id WHERE e.student_id = u.user_id AND c.instructor_id = @instructor))
            """, new { userId, instructor = viewer.Role == StaffRoles.Instructor ? viewer.UserId : (Guid?)null }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<UserChoice>> InstructorsAsync(Guid except, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<UserChoice>(new CommandDefinition("""
            SELECT user_id, email FROM users
            WHERE role = 'Instructor' AND anonymised_at IS NULL AND user_id <> @except
            ORDER BY email
            """, new { except }, cancellationToken: ct))).ToList();
    }

    public async Task<StudentProfile?> ProfileAsync(Guid userId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<StudentProfile>(new CommandDefinition("""
            SELECT u.user_id, u.email, u.role, u.created_at, u.anonymised_at,
                   (SELECT count(*) FROM enrollments e WHERE e.student_id = u.user_id) AS enrollments,
                   (SELECT coalesce(sum(e.amount_paid), 0) FROM enrollments e WHERE e.student_id = u.user_id) AS total_paid
            FROM users u WHERE u.user_id = @userId
            """, new { userId }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<StudentEnrollmentRow>> EnrollmentsOfAsync(Guid studentId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<StudentEnrollmentRow>(new CommandDefinition("""
            SELECT e.enrollment_id, e.course_id, c.title AS course_title, e.amount_paid, e.list_price, e.amount_override_reason, e.enrolled_at
            FROM enrollments e JOIN courses c ON c.course_id = e.course_id
            WHERE e.student_id = @studentId
            ORDER BY e.enrolled_at DESC, e.enrollment_id DESC
            """, new { studentId }, cancellationToken: ct))).ToList();
    }

    public async Task<RemovalFacts?> RemovalFactsAsync(Guid userId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<RemovalFacts>(new CommandDefinition("""
            SELECT u.user_id, u.email, u.role,
                   (SELECT count(*) FROM enrollments e WHERE e.student_id = u.user_id) AS enrollments,
                   (SELECT count(*) FROM courses c WHERE c.instructor_id = u.user_id) AS courses,
                   (SELECT count(*) FROM price_changes p WHERE p.changed_by = u.user_id) AS price_changes,
                   (SELECT count(*) FROM enrollments e WHERE e.enrolled_by = u.user_id) AS enrollments_recorded
            FROM users u WHERE u.user_id = @userId AND u.anonymised_at IS NULL
            """, new { userId }, cancellationToken: ct));
    }

    // A student gets no password (students do not sign in); a staff member gets a generated one, stored hashed and
    // returned once so the admin can hand it over.
    public async Task<WriteResult<NewUser>> CreateAsync(Actor actor, string email, string role, CancellationToken ct)
    {
        var password = StaffRoles.StaffOnly.Contains(role) ? PasswordPolicy.Generate() : null;
        var created = password is null
            ? await WriteAsync<Guid>(actor, "SELECT create_user(@email, @role)", new { email = email.Trim(), role }, ct)
            : await WriteAsync<Guid>(actor, "SELECT set_user_password(create_user(@email, @role), @hash)",
                new { email = email.Trim(), role, hash = StaffAccounts.Hash(password) }, ct);
        return created.Succeeded ? WriteResult<NewUser>.Ok(new NewUser(created.Value, password)) : WriteResult<NewUser>.Fail(created.Error!);
    }

    // A new generated password for a staff account (returned once); the old one stops working and a lockout ends.
    public async Task<WriteResult<string>> ResetPasswordAsync(Actor actor, Guid userId, CancellationToken ct)
    {
        var password = PasswordPolicy.Generate();
        var reset = await WriteAsync<Guid>(actor, "SELECT set_user_password(@userId, @hash)", new { userId, hash = StaffAccounts.Hash(password) }, ct);
        return reset.Succeeded ? WriteResult<string>.Ok(password) : WriteResult<string>.Fail(reset.Error!);
    }

    public Task<WriteResult<bool>> ChangeRoleAsync(Actor actor, Guid userId, string role, CancellationToken ct) =>
        WriteAsync<bool>(actor, "SELECT true FROM change_user_role(@userId, @role)", new { userId, role }, ct);

    public Task<WriteResult<int>> ReassignCoursesAsync(Actor actor, Guid from, Guid to, CancellationToken ct) =>
        WriteAsync<int>(actor, "SELECT reassign_courses(@from, @to)", new { from, to }, ct);

    public Task<WriteResult<string>> AnonymiseAsync(Actor actor, Guid userId, CancellationToken ct) =>
        WriteAsync<string>(actor, "SELECT anonymise_user(@userId)", new { userId }, ct);

    public Task<WriteResult<bool>> DeleteAsync(Actor actor, Guid userId, CancellationToken ct) =>
        WriteAsync<bool>(actor, "SELECT true FROM delete_user(@userId)", new { userId }, ct);

    private async Task<WriteResult<T>> WriteAsync<T>(Actor actor, string sql, object args, CancellationToken ct)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await using var grid = await connection.WriteAsActorAsync(actor, sql, args, ct);
            var value = await grid.ReadSingleAsync<T>();
            return WriteResult<T>.Ok(value!);
        }
        catch (Exception e) when (e is not OperationCanceledException && DatabaseErrors.DescribeWrite(e, Constraints) is { } error)
        {
            return WriteResult<T>.Fail(error);
        }
    }
}
