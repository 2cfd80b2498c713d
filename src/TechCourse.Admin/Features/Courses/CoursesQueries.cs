using System.Text.Json.Nodes;
using Dapper;
using Npgsql;
using NpgsqlTypes;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Infrastructure.Database;

namespace TechCourse.Admin.Features.Courses;

// Reading courses: a page of the grid (filters, allow-listed sort, paging), one course, its price history, instructors.
// Instructors only ever see their own courses; the restriction is applied here, whatever the caller asks for.
public sealed class CoursesQueries(NpgsqlDataSource dataSource)
{
    private static readonly Dictionary<CourseSort, string> SortColumns = new()
    {
        [CourseSort.Title] = "c.title",
        [CourseSort.Price] = "c.price",
        [CourseSort.Published] = "c.is_published",
        [CourseSort.Enrollments] = "coalesce(t.enrollments, 0)",
        [CourseSort.Revenue] = "coalesce(t.gross_revenue, 0)",
        [CourseSort.PassingScore] = "(c.quiz_metadata -> 'passing_score')",
    };

    public async Task<CoursePage> PageAsync(Actor actor, CoursePageRequest request, CancellationToken ct)
    {
        // No title contains a NUL (PostgreSQL text cannot hold one): such a search matches nothing.
        if (Like.CannotMatch(request.Filter.Search)) return new CoursePage([], 0);
        var (where, parameters) = Filter(actor, request.Filter);
        var direction = request.Descending ? "DESC" : "ASC";
        // Title and price are NOT NULL: a plain direction lets a descending page walk their index backwards.
        var order = request.Sort is CourseSort.Title or CourseSort.Price
            ? $"{SortColumns[request.Sort]} {direction}, c.course_id {direction}"
            : $"{SortColumns[request.Sort]} {direction} NULLS LAST, c.course_id {direction}";
        var bySales = request.Sort is CourseSort.Enrollments or CourseSort.Revenue;
        // The page's courses look their totals up one by one (LATERAL; OFFSET 0 keeps the planner from computing every
        // course's); a page sorted by them needs every course's totals: one hash join.
        const string totals = "LEFT JOIN LATERAL (SELECT s.enrollments, s.gross_revenue FROM course_sales_totals s WHERE s.course_id = c.course_id OFFSET 0) t ON true";
        const string allTotals = "LEFT JOIN course_sales_totals t ON t.course_id = c.course_id";
        // A title search takes its matches from the trigram index first (the OFFSET 0 fence), then sorts those few,
        // instead of walking the title index in order and testing ILIKE on every course.
        var source = string.IsNullOrWhiteSpace(request.Filter.Search) ? $"courses c {(bySales ? allTotals : "")} WHERE {where}"
            : $"(SELECT * FROM courses c WHERE {where} OFFSET 0) c {(bySales ? allTotals : "")}";
        var sql = $"""
            WITH page AS (
                SELECT c.course_id FROM {source}
                ORDER BY {order}
                LIMIT @limit OFFSET @offset
            )
            SELECT c.course_id, c.title, c.price, c.is_published, c.instructor_id, u.email AS instructor_email,
                   c.quiz_metadata ->> 'difficulty' AS difficulty, c.quiz_metadata ->> 'passing_score' AS passing_score,
                   coalesce(t.enrollments, 0) AS enrollments, coalesce(t.gross_revenue, 0) AS gross_revenue
            FROM page p
            JOIN courses c ON c.course_id = p.course_id
            LEFT JOIN users u ON u.user_id = c.instructor_id
            {totals}
            ORDER BY {order};
            {(request.KnownTotal is null ? $"SELECT count(*)::int FROM courses c WHERE {where};" : "")}
            """;
        parameters.Add("limit", Math.Clamp(request.PageSize, 1, 500));
        parameters.Add("offset", Math.Max(0L, request.Page) * Math.Clamp(request.PageSize, 1, 500));
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(sql, parameters, cancellationToken: ct));
        var rows = (await results.ReadAsync<CourseRow>()).AsList();
        var total = request.KnownTotal ?? await results.ReadSingleAsync<int>();
        return new CoursePage(rows, total);
    }

    public async Task<CourseDetails?> FindAsync(Actor actor, int courseId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<CourseDetails>(new CommandDefinition("""
            SELECT c.course_id, c.title, c.price, c.is_published, c.instructor_id, u.email AS instructor_email,
                   c.quiz_metadata::text AS quiz_metadata, c.xmin::text AS version
            FROM courses c LEFT JOIN users u ON u.user_id = c.instructor_id
            WHERE c.course_id = @courseId AND (@isAdmin OR c.instructor_id = @userId)
            """, new { courseId, isAdmin = actor.IsAdmin, userId = actor.UserId }, cancellationToken: ct));
    }

    public async Task<IReadOnlyList<PriceChange>> PriceHistoryAsync(Actor actor, int courseId, CancellationToken ct, int limit = 200)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<PriceChange>(new CommandDefinition("""
            SELECT p.log_id, p.changed_at, p.old_price, p.new_price, u.email AS changed_by, p.source, p.reason, p.campaign_id
            FROM price_changes p LEFT JOIN users u ON u.user_id = p.changed_by
            WHERE p.course_id = @courseId
              AND EXISTS (SELECT 1 FROM courses c WHERE c.course_id = @courseId AND (@isAdmin OR c.instructor_id = @userId))
            ORDER BY p.changed_at DESC, p.log_id DESC
            LIMIT @limit
            """, new { courseId, isAdmin = actor.IsAdmin, userId = actor.UserId, limit }, cancellationToken: ct))).AsList();
    }

    // Instructors to filter by or assign a course to: an Admin's choice only (no one else is offered the list).
    public async Task<IReadOnlyList<InstructorOption>> InstructorsAsync(Actor viewer, string? search, CancellationToken ct, int limit = 20)
    {
        if (!viewer.IsAdmin || Like.CannotMatch(search)) return [];
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<InstructorOption>(new CommandDefinition("""
            SELECT user_id, email FROM users
            WHERE role = 'Instructor' AND email ILIKE @pattern
            ORDER BY email
            LIMIT @limit
            """, new { pattern = Like.Contains(search ?? ""), limit }, cancellationToken: ct))).AsList();
    }

    public async Task<InstructorOption?> InstructorAsync(Actor viewer, Guid userId, CancellationToken ct)
    {
        if (!viewer.IsAdmin) return null;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<InstructorOption>(new CommandDefinition(
            "SELECT user_id, email FROM users WHERE user_id = @userId AND role = 'Instructor'", new { userId }, cancellationToken: ct));
    }

    internal static (string Where, DynamicParameters Parameters) Filter(Actor actor, CourseFilter filter)
    {
        var facts = new JsonObject();
        if (!string.IsNullOrWhiteSpace(filter.Difficulty)) facts["difficulty"] = filter.Difficulty;
        if (filter.PassingScore is { } score) facts["passing_score"] = score;
        var where = new SqlConditions()
            .IfSet(actor.IsAdmin ? filter.InstructorId : actor.UserId, "c.instructor_id = @instructorId", "instructorId")
            .IfSet(filter.Published, "c.is_published = @published", "published")
            .IfSet(string.IsNullOrWhiteSpace(filter.Search) ? null : Like.Contains(filter.Search.Trim()), "c.title ILIKE @search", "search")
            .IfSet(facts.Count == 0 ? null : new JsonbParameter(facts.ToJsonString()), "c.quiz_metadata @> @facts", "facts")
            .IfSet(filter.MinPrice, "c.price >= @minPrice", "minPrice")
            .IfSet(filter.MaxPrice, "c.price <= @maxPrice", "maxPrice");
        return (where.Sql, where.Parameters);
    }
}

// Sends a string as jsonb (Dapper would send text, and `jsonb @> text` does not resolve).
public sealed class JsonbParameter(string json) : SqlMapper.ICustomQueryParameter
{
    public void AddParameter(System.Data.IDbCommand command, string name) =>
        command.Parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Jsonb) { Value = json });
}
