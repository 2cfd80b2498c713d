using System.Text.Json;
using Dapper;
using Npgsql;

namespace TechCourse.Admin.Features.Analytics;

public sealed record HardestCourse(int CourseId, string Title, string? InstructorEmail, decimal PassingScore, long Ties);

public sealed record DifficultyFigures(string Difficulty, long Courses, decimal? AveragePassingScore, long Enrollments, decimal GrossRevenue);

public sealed record MetadataProblem(int CourseId, string Title, string Problem, string? Metadata, long Total);

/// What the analytics page shows first; a prerendered page hands it to its interactive render.
public sealed record AnalyticsFigures(IReadOnlyList<HardestCourse> Hardest, IReadOnlyList<DifficultyFigures> Difficulties, IReadOnlyList<MetadataProblem> Problems);

public sealed record MetadataMatch(int CourseId, string Title, string? InstructorEmail, string Metadata);

public sealed class AnalyticsQueries(NpgsqlDataSource dataSource)
{
    public const int FirstRows = 50;
    public const int MaxProblems = 500;

    // Only courses whose passing_score is a JSON number count; NULL or malformed metadata can neither win nor hide a tie.
    // The highest number and its ties come from the passing-score index (JSON numbers compare as numbers); Ties
    // counts them all, and only the rows asked for look their instructor up.
    public const string HardestCourseSql = """
        WITH best AS (
            SELECT c.quiz_metadata -> 'passing_score' AS score
            FROM courses c
            WHERE jsonb_typeof(c.quiz_metadata -> 'passing_score') = 'number'
            ORDER BY c.quiz_metadata -> 'passing_score' DESC
            LIMIT 1
        ), ties AS (
            SELECT c.course_id, c.title, c.instructor_id, c.quiz_metadata ->> 'passing_score' AS passing_score, count(*) OVER () AS ties
            FROM best b JOIN courses c ON c.quiz_metadata -> 'passing_score' = b.score
            ORDER BY c.title, c.course_id
            LIMIT @limit
        )
        SELECT t.course_id, t.title, u.email AS instructor_email, t.passing_score::numeric AS passing_score, t.ties
        FROM ties t LEFT JOIN users u ON u.user_id = t.instructor_id
        ORDER BY t.title, t.course_id
        """;

    public const string ByDifficultySql = """
        SELECT coalesce(c.quiz_metadata->>'difficulty', '(none)') AS difficulty,
               count(*) AS courses,
               round(avg((c.quiz_metadata->>'passing_score')::numeric) FILTER (WHERE jsonb_typeof(c.quiz_metadata->'passing_score') = 'number'), 1) AS average_passing_score,
               coalesce(sum(t.enrollments), 0)::bigint AS enrollments,
               coalesce(sum(t.gross_revenue), 0) AS gross_revenue
        FROM courses c
        LEFT JOIN course_sales_totals t ON t.course_id = c.course_id
        GROUP BY 1
        ORDER BY gross_revenue DESC, difficulty
        """;

    public const string MetadataProblemsSql = """
        SELECT c.course_id, c.title, p.problem, c.quiz_metadata::text AS metadata, count(*) OVER () AS total
        FROM courses c
        CROSS JOIN LATERAL (SELECT CASE
            WHEN c.quiz_metadata IS NULL THEN 'no quiz metadata'
            WHEN jsonb_typeof(c.quiz_metadata) <> 'object' THEN 'metadata is not a JSON object'
            WHEN NOT c.quiz_metadata ? 'passing_score' THEN 'passing_score missing'
            WHEN jsonb_typeof(c.quiz_metadata->'passing_score') <> 'number' THEN 'passing_score is not a number'
            WHEN (c.quiz_metadata->>'passing_score')::numeric NOT BETWEEN 0 AND 100 THEN 'passing_score outside 0–100'
            WHEN NOT c.quiz_metadata ? 'difficulty' THEN 'difficulty missing'
            WHEN jsonb_typeof(c.quiz_metadata->'difficulty') <> 'string' THEN 'difficulty is not text'
            WHEN c.quiz_metadata ? 'questions' AND jsonb_typeof(c.quiz_metadata->'questions') <> 'number' THEN 'questions is not a number'
            END AS problem) p
        WHERE p.problem IS NOT NULL
        ORDER BY p.problem, c.course_id
        LIMIT @limit
        """;

    // @> with a JSON document as parameter: served by the GIN index idx_courses_metadata.
    public const string FilterSql = """
        SELECT c.course_id, c.title, u.email AS instructor_email, c.quiz_metadata::text AS metadata
        FROM courses c
        LEFT JOIN users u ON u.user_id = c.instructor_id
        WHERE c.quiz_metadata @> @filter::jsonb
        ORDER BY c.course_id
        LIMIT 200
        """;

    public async Task<IReadOnlyList<HardestCourse>> HardestCoursesAsync(CancellationToken ct, int limit = 10_000) =>
        await QueryAsync<HardestCourse>(HardestCourseSql, new { limit }, ct);

    public async Task<IReadOnlyList<DifficultyFigures>> ByDifficultyAsync(CancellationToken ct) => await QueryAsync<DifficultyFigures>(ByDifficultySql, null, ct);

    public async Task<IReadOnlyList<MetadataProblem>> MetadataProblemsAsync(CancellationToken ct, int limit = MaxProblems) =>
        await QueryAsync<MetadataProblem>(MetadataProblemsSql, new { limit }, ct);

    public async Task<IReadOnlyList<MetadataMatch>> FilterAsync(string? difficulty, int? passingScore, int? questions, CancellationToken ct)
    {
        var filter = new Dictionary<string, object>();
        if (!string.IsNullOrWhiteSpace(difficulty)) filter["difficulty"] = difficulty.Trim();
        if (passingScore is { } score) filter["passing_score"] = score;
        if (questions is { } count) filter["questions"] = count;
        return await QueryAsync<MetadataMatch>(FilterSql, new { filter = JsonSerializer.Serialize(filter) }, ct);
    }

    private async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? args, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<T>(new CommandDefinition(sql, args, cancellationToken: ct))).AsList();
    }
}
