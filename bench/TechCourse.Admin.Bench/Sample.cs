using Dapper;
using Npgsql;

namespace TechCourse.Admin.Bench;

/// Real keys and terms picked deterministically from the database, so every run asks for something that exists.
public sealed record Sample(int[] CourseIds, Guid[] StudentIds, Guid[] InstructorIds, string[] EmailTerms, string[] RareEmailTerms, string[] TitleTerms, DateTimeOffset[] Instants, DateTimeOffset LastEnrollment, DeepUser[] DeepUsers,
    DeepAuditEntry[] DeepAuditEntries)
{
    public int Course(int i) => CourseIds[i % CourseIds.Length];
    public Guid Student(int i) => StudentIds[i % StudentIds.Length];
    public Guid Instructor(int i) => InstructorIds[i % InstructorIds.Length];
    public string EmailTerm(int i) => EmailTerms[i % EmailTerms.Length];
    public string RareTerm(int i) => RareEmailTerms[i % RareEmailTerms.Length];
    public string TitleTerm(int i) => TitleTerms[i % TitleTerms.Length];
    public DateTimeOffset Instant(int i) => Instants[i % Instants.Length];
    public DeepUser Deep(int i) => DeepUsers[i % DeepUsers.Length];
    public DeepAuditEntry DeepAudit(int i) => DeepAuditEntries[i % DeepAuditEntries.Length];

    public static async Task<Sample> LoadAsync(string connectionString, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        var courses = (await connection.QueryAsync<int>(new CommandDefinition(
            "SELECT course_id FROM courses WHERE course_id % 97 = 13 ORDER BY course_id LIMIT 100", cancellationToken: ct))).ToArray();
        var students = (await connection.QueryAsync<Guid>(new CommandDefinition(
            "SELECT student_id FROM enrollments WHERE enrollment_id % 49999 = 7 ORDER BY enrollment_id LIMIT 100", cancellationToken: ct))).ToArray();
        var instructors = (await connection.QueryAsync<Guid>(new CommandDefinition(
            "SELECT user_id FROM users WHERE role = 'Instructor' ORDER BY user_id LIMIT 50", cancellationToken: ct))).ToArray();
        var emails = (await connection.QueryAsync<string>(new CommandDefinition("""
            SELECT DISTINCT split_part(email, '.', 1) FROM (SELECT email FROM users WHERE user_id = ANY(@students)) s
            """, new { students }, cancellationToken: ct))).Where(t => t.Length >= 3).Order(StringComparer.Ordinal).Take(40).ToArray();
        // Whole local parts ("first.last"): a handful of users each, so a search must find them without walking the list.
        var rare = (await connection.QueryAsync<string>(new CommandDefinition("""
            SELECT DISTINCT split_part(email, '@', 1) FROM users WHERE user_id = ANY(@students)
            """, new { students }, cancellationToken: ct))).Order(StringComparer.Ordinal).Take(40).ToArray();
        var titles = (await connection.QueryAsync<string>(new CommandDefinition("""
            SELECT DISTINCT split_part(title, ' ', 2) FROM courses WHERE course_id = ANY(@courses)
            """, new { courses }, cancellationToken: ct))).Where(t => t.Length >= 3).Order(StringComparer.Ordinal).Take(40).ToArray();
        var last = new DateTimeOffset(DateTime.SpecifyKind(await connection.ExecuteScalarAsync<DateTime>(new CommandDefinition("SELECT max(enrolled_at) FROM enrollments", cancellationToken: ct)), DateTimeKind.Utc));
        var instants = Enumerable.Range(0, 60).Select(k => last.AddHours(-k * 290.0)).ToArray();
        // Rows half-way down the users list (newest first): where a deep page starts, by keyset and by OFFSET.
        var deep = (await connection.QueryAsync<(string Email, DateTime CreatedAt, Guid UserId, long Offset)>(new CommandDefinition("""
            SELECT email, created_at, user_id, rn FROM (
                SELECT email, created_at, user_id, row_number() OVER (ORDER BY created_at DESC, user_id DESC) AS rn FROM users) r
            WHERE rn % 1000 = 0 AND rn BETWEEN 500000 AND 530000 ORDER BY rn
            """, commandTimeout: 300, cancellationToken: ct)))
            .Select(r => new DeepUser(r.Email, new DateTimeOffset(DateTime.SpecifyKind(r.CreatedAt, DateTimeKind.Utc)), r.UserId, r.Offset)).ToArray();
        // Entries half-way down the audit timeline (newest first): where a deep page starts, by keyset and by OFFSET.
        var deepAudit = (await connection.QueryAsync<(DateTime ChangedAt, int LogId, long Offset)>(new CommandDefinition("""
            SELECT changed_at, log_id, rn FROM (
                SELECT changed_at, log_id, row_number() OVER (ORDER BY changed_at DESC, log_id DESC) AS rn FROM price_changes) r
            WHERE rn % 1000 = 0 AND rn BETWEEN 500000 AND 530000 ORDER BY rn
            """, commandTimeout: 300, cancellationToken: ct)))
            .Select(r => new DeepAuditEntry(new DateTimeOffset(DateTime.SpecifyKind(r.ChangedAt, DateTimeKind.Utc)), r.LogId, r.Offset)).ToArray();
        if (courses.Length == 0 || students.Length == 0 || instructors.Length == 0 || deepAudit.Length == 0)
            throw new InvalidOperationException("The database has no courses, enrollments, instructors or 500,000 price changes to measure.");
        return new Sample(courses, students, instructors, emails, rare, titles, instants, last, deep, deepAudit);
    }
}

/// A users-list row at position Offset (1-based) in the newest-first order.
public sealed record DeepUser(string Email, DateTimeOffset CreatedAt, Guid UserId, long Offset);

/// An audit-timeline entry at position Offset (1-based) in the newest-first order.
public sealed record DeepAuditEntry(DateTimeOffset ChangedAt, int LogId, long Offset);
