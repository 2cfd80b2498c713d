using System.Globalization;
using System.Runtime.CompilerServices;
using Dapper;
using Npgsql;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Infrastructure.Database;

namespace TechCourse.Admin.Features.Audit;

// Reads of the price-change log. Admins see every entry; Instructors only those of their own courses.
public sealed class AuditQueries(NpgsqlDataSource dataSource)
{
    public const int MaxPageSize = 200;

    // A deleted course's entries stay: its title and owner come from deleted_courses (sql/0020).
    private const string Columns = """
        pc.log_id, pc.course_id, coalesce(c.title, d.title) AS course_title, pc.old_price, pc.new_price, pc.changed_at, pc.changed_by,
        u.email AS actor_email, u.role AS actor_role, pc.source, pc.reason, pc.seal_seq, c.course_id IS NULL AS course_deleted, pc.campaign_id
        """;

    private const string Joins = """
        LEFT JOIN courses c ON c.course_id = pc.course_id
        LEFT JOIN deleted_courses d ON c.course_id IS NULL AND d.course_id = pc.course_id
        LEFT JOIN users u ON u.user_id = pc.changed_by
        """;

    // Every course an entry can belong to with its owner: the live ones, and the deleted ones as they were at deletion.
    private const string CourseOwners = """
        (SELECT course_id, instructor_id FROM courses
         UNION ALL
         SELECT course_id, instructor_id FROM deleted_courses g WHERE NOT EXISTS (SELECT 1 FROM courses x WHERE x.course_id = g.course_id))
        """;

    public async Task<AuditSlice> PageAsync(Actor viewer, AuditFilter filter, AuditCursor? after, int size, CancellationToken ct)
    {
        size = Math.Clamp(size, 1, MaxPageSize);
        var (sql, args) = Build(viewer, filter, after, size + 1);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = (await connection.QueryAsync<AuditEntry>(new CommandDefinition(sql, args, cancellationToken: ct))).ToList();
        return rows.Count > size ? new AuditSlice(rows.Take(size).ToList(), rows[size - 1].Cursor) : new AuditSlice(rows, null);
    }

    // The newest `size` entries of each instructor's courses (deleted ones included), as each of them sees their own
    // timeline's first page: one statement for all of them (the instructors' home pages are read together).
    public async Task<ILookup<Guid, AuditEntry>> LatestOfInstructorsAsync(IReadOnlyCollection<Guid> instructors, int size, CancellationToken ct)
    {
        if (instructors.Count == 0) return Array.Empty<(Guid, AuditEntry)>().ToLookup(r => r.Item1, r => r.Item2);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<AuditEntry, OwnerRow, (Guid Owner, AuditEntry Entry)>(new CommandDefinition($"""
            SELECT {Columns}, top.owner_id
            FROM unnest(@instructors::uuid[]) i(instructor_id)
            CROSS JOIN LATERAL (
                SELECT k.log_id, i.instructor_id AS owner_id
                FROM {CourseOwners} s
                CROSS JOIN LATERAL (SELECT pc.changed_at, pc.log_id FROM price_changes pc WHERE pc.course_id = s.course_id
                                    ORDER BY pc.changed_at DESC, pc.log_id DESC LIMIT @size) k
                WHERE s.instructor_id = i.instructor_id
                ORDER BY k.changed_at DESC, k.log_id DESC
                LIMIT @size) top
            JOIN price_changes pc ON pc.log_id = top.log_id
            {Joins}
            ORDER BY top.owner_id, pc.changed_at DESC, pc.log_id DESC
            """, new { instructors = instructors.ToArray(), size = Math.Clamp(size, 1, MaxPageSize) }, cancellationToken: ct),
            (entry, owner) => (owner.OwnerId, entry), splitOn: "owner_id");
        return rows.ToLookup(r => r.Owner, r => r.Entry);
    }

    private sealed record OwnerRow(Guid OwnerId);

    // The given entries that this viewer may see and that match the filter (for live updates).
    public async Task<IReadOnlyList<AuditEntry>> EntriesAsync(Actor viewer, AuditFilter filter, IReadOnlyCollection<int> logIds, CancellationToken ct)
    {
        if (logIds.Count == 0) return [];
        var (sql, args) = Build(viewer, filter, null, MaxPageSize, logIds.ToArray());
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<AuditEntry>(new CommandDefinition(sql, args, cancellationToken: ct))).ToList();
    }

    // The newest matching entries among those sealed into the chain as FromSeq…ToSeq (for live updates).
    public async Task<IReadOnlyList<AuditEntry>> SealedAsync(Actor viewer, AuditFilter filter, long fromSeq, long toSeq, CancellationToken ct)
    {
        var (sql, args) = Build(viewer, filter, null, MaxPageSize, sealRange: (fromSeq, toSeq));
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<AuditEntry>(new CommandDefinition(sql, args, cancellationToken: ct))).ToList();
    }

    // Every matching entry, newest first, read as it streams (for the CSV export).
    public async IAsyncEnumerable<AuditEntry> StreamAsync(Actor viewer, AuditFilter filter, [EnumeratorCancellation] CancellationToken ct)
    {
        var (sql, args) = Build(viewer, filter, null, null);
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await foreach (var entry in connection.QueryUnbufferedAsync<AuditEntry>(sql, args).WithCancellation(ct))
            yield return entry;
    }

    // Keyset over (changed_at DESC, log_id DESC). When the rows come from a known set of courses (a course filter, an
    // instructor filter, or an Instructor viewing), each course is read from its own index range and merged, so a
    // page costs the same however rare those courses are in the whole log.
    private static (string Sql, DynamicParameters Args) Build(Actor viewer, AuditFilter filter, AuditCursor? after, int? limit, int[]? logIds = null,
        (long From, long To)? sealRange = null)
    {
        var args = new DynamicParameters();
        var entry = new SqlConditions(args)
            .Before("pc.changed_at", "pc.log_id", after is null ? null : (after.ChangedAt, after.LogId))
            .IfSet(logIds, "pc.log_id = ANY(@logIds)", "logIds")
            .IfSet(sealRange?.From, "pc.seal_seq >= @sealFrom", "sealFrom")
            .IfSet(sealRange?.To, "pc.seal_seq <= @sealTo", "sealTo")
            .IfSet(filter.FromInstant, "pc.changed_at >= @from", "from")
            .IfSet(filter.ToInstant, "pc.changed_at < @to", "to")
            .IfSet(filter.ActorId, "pc.changed_by = @actor", "actor")
            .If(filter.ActorId is null && filter.OutsideAppOnly, "pc.changed_by IS NULL")
            .If(filter.Direction == PriceDirection.Increases, "pc.new_price > pc.old_price")
            .If(filter.Direction == PriceDirection.Decreases, "pc.new_price < pc.old_price")
            .IfSet(filter.MinPercent, "pc.old_price > 0 AND abs(pc.new_price - pc.old_price) * 100 > @minPercent * pc.old_price", "minPercent");
        var where = entry.Count == 0 ? "" : "AND " + entry.Sql;
        var limitClause = limit is null ? "" : "LIMIT @limit";
        args.Add("limit", limit);

        var courses = new SqlConditions(args)
            .IfSet(viewer.IsAdmin ? (Guid?)null : viewer.UserId, "s.instructor_id = @viewer", "viewer")
            .IfSet(filter.CourseId, "s.course_id = @course", "course")
            .IfSet(filter.InstructorId, "s.instructor_id = @instructor", "instructor");

        if (courses.Count == 0 || logIds is not null || sealRange is not null)
        {
            var scope = courses.Count == 0 ? "" : $"AND pc.course_id IN (SELECT s.course_id FROM {CourseOwners} s WHERE {courses.Sql})";
            return ($"""
                SELECT {Columns}
                FROM (SELECT * FROM price_changes pc WHERE true {where} {scope} ORDER BY pc.changed_at DESC, pc.log_id DESC {limitClause}) pc
                {Joins}
                ORDER BY pc.changed_at DESC, pc.log_id DESC
                """, args);
        }
        // Keys first (index-only per course), then the page's rows: a page costs one heap visit per row shown.
        return ($"""
            SELECT {Columns}
            FROM (SELECT k.log_id
                  FROM {CourseOwners} s
                  CROSS JOIN LATERAL (SELECT pc.changed_at, pc.log_id FROM price_changes pc WHERE pc.course_id = s.course_id {where}
                                      ORDER BY pc.changed_at DESC, pc.log_id DESC {limitClause}) k
                  WHERE {courses.Sql}
                  ORDER BY k.changed_at DESC, k.log_id DESC
                  {limitClause}) top
            JOIN price_changes pc ON pc.log_id = top.log_id
            {Joins}
            ORDER BY pc.changed_at DESC, pc.log_id DESC
            """, args);
    }

    public async Task<PriceAtPoint?> PriceAtAsync(Actor viewer, int courseId, DateTimeOffset at, CancellationToken ct)
    {
        at = at.ToUniversalTime(); // the viewer's local time; Npgsql writes timestamptz only at offset 0
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<PriceAtRow>(new CommandDefinition("""
            SELECT c.price AS current_price,
                   b.new_price AS before_price, b.changed_at AS before_at,
                   a.old_price AS after_old_price, a.changed_at AS after_at,
                   f.changed_at AS first_at, f.old_price AS first_old_price,
                   k.archived_through
            FROM courses c
            LEFT JOIN LATERAL (SELECT new_price, changed_at FROM price_changes WHERE course_id = c.course_id AND changed_at <= @at
                               ORDER BY changed_at DESC, log_id DESC LIMIT 1) b ON true
            LEFT JOIN LATERAL (SELECT old_price, changed_at FROM price_changes WHERE course_id = c.course_id AND changed_at > @at
                               ORDER BY changed_at, log_id LIMIT 1) a ON true
            LEFT JOIN LATERAL (SELECT old_price, changed_at FROM price_changes WHERE course_id = c.course_id
                               ORDER BY changed_at, log_id LIMIT 1) f ON true
            CROSS JOIN price_change_chain_anchor k
            WHERE c.course_id = @courseId AND (@isAdmin OR c.instructor_id = @viewer)
            """, new { courseId, at, isAdmin = viewer.IsAdmin, viewer = viewer.UserId }, cancellationToken: ct));
        if (row is null) return null;
        var archived = row.ArchivedThrough;
        if (row.FirstAt is null)
            return new PriceAtPoint(PricePointKind.NoChangesLogged, row.CurrentPrice, null, null, null, null, null, archived);
        if (row.BeforeAt is null)
            return new PriceAtPoint(PricePointKind.BeforeLog, row.CurrentPrice, null, null, row.AfterAt, row.FirstAt, row.FirstOldPrice, archived);
        return row.AfterAt is null
            ? new PriceAtPoint(PricePointKind.AfterLast, row.CurrentPrice, row.BeforePrice, row.BeforeAt, null, row.FirstAt, null, archived)
            : new PriceAtPoint(PricePointKind.Between, row.CurrentPrice, row.BeforePrice, row.BeforeAt, row.AfterAt, row.FirstAt, null, archived);
    }

    public async Task<ChangeEffect?> EffectAsync(Actor viewer, int logId, CancellationToken ct)
    {
        var entry = (await EntriesAsync(viewer, AuditFilter.None, [logId], ct)).SingleOrDefault();
        return entry is null ? null : (await EffectsAsync([entry], ct))[0];
    }

    // Enrollments per day in the 14 days before and after each change, for entries the caller already read within the
    // viewer's scope: one round trip for all of them (a home page shows five at once, re-read every second under load).
    public async Task<IReadOnlyList<ChangeEffect>> EffectsAsync(IReadOnlyList<AuditEntry> entries, CancellationToken ct)
    {
        if (entries.Count == 0) return [];
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var days = (await connection.QueryAsync<(long Entry, int Offset, DateTime WindowStart, long Enrollments)>(new CommandDefinition("""
            WITH x AS (SELECT * FROM unnest(@courses, @ats) WITH ORDINALITY AS x(course_id, at, entry)),
            n AS (SELECT x.entry, CASE WHEN y.d < 0 THEN y.d ELSE y.d + 1 END AS bucket, count(*) AS enrollments
                  FROM x CROSS JOIN LATERAL (
                      SELECT floor(extract(epoch FROM e.enrolled_at - x.at) / 86400)::int AS d
                      FROM enrollments e
                      WHERE e.course_id = x.course_id AND e.enrolled_at >= x.at - interval '14 days' AND e.enrolled_at < x.at + interval '14 days') y
                  GROUP BY 1, 2)
            SELECT x.entry, o AS offset, x.at + make_interval(days => CASE WHEN o < 0 THEN o ELSE o - 1 END) AS window_start, coalesce(n.enrollments, 0) AS enrollments
            FROM x CROSS JOIN generate_series(-14, 14) o
            LEFT JOIN n ON n.entry = x.entry AND n.bucket = o
            WHERE o <> 0
            ORDER BY x.entry, o
            """, new { courses = entries.Select(e => e.CourseId).ToArray(), ats = entries.Select(e => e.ChangedAt.ToUniversalTime()).ToArray() }, cancellationToken: ct))).ToLookup(d => d.Entry);
        return entries.Select((entry, i) => new ChangeEffect(entry, days[i + 1]
            .Select(d => new DailyEnrollments(d.Offset, new DateTimeOffset(DateTime.SpecifyKind(d.WindowStart, DateTimeKind.Utc)), d.Enrollments)).ToList())).ToList();
    }

    // Courses the viewer may filter by (an Instructor: their own, deleted ones included), by title or id.
    public async Task<IReadOnlyList<AuditOption>> CourseOptionsAsync(Actor viewer, string? term, CancellationToken ct)
    {
        if (Like.CannotMatch(term)) return [];
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<(int Id, string Title, bool Deleted)>(new CommandDefinition($"""
            SELECT course_id, title, deleted FROM {CourseTitles} s
            WHERE (@isAdmin OR instructor_id = @viewer)
              AND (@term = '' OR title ILIKE '%' || @term || '%' OR course_id::text = @term)
            ORDER BY title, course_id LIMIT 20
            """, new { isAdmin = viewer.IsAdmin, viewer = viewer.UserId, term = Like.Escape((term ?? "").Trim()) }, cancellationToken: ct));
        return rows.Select(r => new AuditOption(r.Id.ToString(CultureInfo.InvariantCulture), CourseLabel(r.Id, r.Title, r.Deleted))).ToList();
    }

    // Admins only: the instructor filter is not offered to anyone else.
    public async Task<IReadOnlyList<AuditOption>> InstructorOptionsAsync(Actor viewer, string? term, CancellationToken ct)
    {
        if (!viewer.IsAdmin || Like.CannotMatch(term)) return [];
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<(Guid Id, string Email)>(new CommandDefinition("""
            SELECT u.user_id, u.email FROM users u
            WHERE u.user_id IN (SELECT DISTINCT instructor_id FROM courses WHERE instructor_id IS NOT NULL)
              AND (@term = '' OR u.email ILIKE '%' || @term || '%')
            ORDER BY u.email LIMIT 20
            """, new { term = Like.Escape((term ?? "").Trim()) }, cancellationToken: ct));
        return rows.Select(r => new AuditOption(r.Id.ToString(), r.Email)).ToList();
    }

    // Who may appear in the "Changed by" filter: for an Admin every staff account; for an Instructor only the people who
    // changed one of their courses (their own changes, an admin's), never the rest of the staff.
    public async Task<IReadOnlyList<AuditOption>> ActorOptionsAsync(Actor viewer, string? term, CancellationToken ct)
    {
        if (Like.CannotMatch(term)) return [];
        var actors = viewer.IsAdmin ? "SELECT user_id FROM users WHERE role IN ('Admin', 'Instructor', 'Accounting')" : ActorsOfOwnCourses;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<(Guid Id, string Email, string Role)>(new CommandDefinition($"""
            SELECT u.user_id, u.email, u.role FROM users u
            WHERE u.user_id IN ({actors})
              AND (@term = '' OR u.email ILIKE '%' || @term || '%')
            ORDER BY u.email LIMIT 20
            """, new { viewer = viewer.UserId, term = Like.Escape((term ?? "").Trim()) }, cancellationToken: ct));
        return rows.Select(r => new AuditOption(r.Id.ToString(), $"{r.Email} ({r.Role})")).ToList();
    }

    // The course's label, or null when it does not exist or is not the viewer's (the two look the same).
    public async Task<string?> CourseLabelAsync(Actor viewer, int courseId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<(string Title, bool Deleted)?>(new CommandDefinition($"""
            SELECT title, deleted FROM {CourseTitles} s WHERE course_id = @courseId AND (@isAdmin OR instructor_id = @viewer)
            """, new { courseId, isAdmin = viewer.IsAdmin, viewer = viewer.UserId }, cancellationToken: ct));
        return row is { } r ? CourseLabel(courseId, r.Title, r.Deleted) : null;
    }

    // An Admin may name any instructor; anyone else gets null.
    public async Task<string?> InstructorLabelAsync(Actor viewer, Guid userId, CancellationToken ct) =>
        viewer.IsAdmin ? await UserLabelAsync("SELECT @userId", userId, viewer, ct) : null;

    // An Admin sees any user's label; an Instructor only that of someone who changed one of their courses, else null.
    public Task<string?> ActorLabelAsync(Actor viewer, Guid userId, CancellationToken ct) =>
        UserLabelAsync(viewer.IsAdmin ? "SELECT @userId" : ActorsOfOwnCourses, userId, viewer, ct);

    private async Task<string?> UserLabelAsync(string allowed, Guid userId, Actor viewer, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition($"""
            SELECT email || ' (' || role || ')' FROM users WHERE user_id = @userId AND user_id IN ({allowed})
            """, new { userId, viewer = viewer.UserId }, cancellationToken: ct));
    }

    public static string CourseLabel(int courseId, string? title, bool deleted) =>
        deleted ? $"deleted course #{courseId}{(title is null ? "" : $" ({title})")}" : $"{title} (#{courseId})";

    // The people who changed a course of @viewer (live or deleted; NULLs for changes made outside the app), read course by
    // course from the per-course timeline index. Without the fence, or with "changed_by IS NOT NULL" inside it, the
    // planner walks the partial actor index over the whole log and tests each entry's course (414,000 buffers at full scale).
    private const string ActorsOfOwnCourses = $"""
        SELECT pc.changed_by FROM {CourseOwners} s
        CROSS JOIN LATERAL (SELECT p.changed_by FROM price_changes p WHERE p.course_id = s.course_id OFFSET 0) pc
        WHERE s.instructor_id = @viewer
        """;

    private const string CourseTitles = """
        (SELECT course_id, title, instructor_id, false AS deleted FROM courses
         UNION ALL
         SELECT course_id, title, instructor_id, true FROM deleted_courses g WHERE NOT EXISTS (SELECT 1 FROM courses x WHERE x.course_id = g.course_id))
        """;

    private sealed record PriceAtRow(decimal CurrentPrice, decimal? BeforePrice, DateTimeOffset? BeforeAt, decimal? AfterOldPrice,
        DateTimeOffset? AfterAt, DateTimeOffset? FirstAt, decimal? FirstOldPrice, DateTimeOffset? ArchivedThrough);
}
