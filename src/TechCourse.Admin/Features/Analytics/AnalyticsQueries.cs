using System.Text.Json;
using Dapper;
using Npgsql;

namespace TechCourse.Admin.Features.Analytics;

public sealed record HardestCourse(int CourseId, string Title, string? InstructorEmail, decimal PassingScore, long Ties);

public sealed record DifficultyFigures(string Difficulty, long Courses, decimal? AveragePassingScore, long Enrollments, decimal GrossRevenue);

public sealed record MetadataProblem(int CourseId, string Title, string Problem, string? Metadata, long Total);

// What the analytics page shows first; a prerendered page hands it to its interactive render.
public sealed record AnalyticsFigures(IReadOnlyList<HardestCourse> Hardest, IReadOnlyList<DifficultyFigures> Difficulties, IReadOnlyList<MetadataProblem> Problems);

public sealed record MetadataMatch(int CourseId, string Title, string? InstructorEmail, string Metadata);

public sealed class AnalyticsQueries(NpgsqlDataSource dataSource)
{
    public const int FirstRows = 50;
    public const int MaxProblems = 500;

    // Only courses whose passing_score is a JSON number count; NULL or malformed metadata can neither win nor hide a tie.
    // The highest number comes from the passing-score index: JSON numbers sort below booleans, so the backward scan
    // starts at the largest number. Its ties are fetched by that index and sorted by title; Ties counts them all,
    // and only the rows asked for look their instructor up.
    public const string HardestCourseSql = """
        WITH tied AS MATERIALIZED (
            SELECT c.course_id, c.title, c.instructor_id, c.quiz_metadata ->> 'passing_score' AS passing_score
            FROM courses c
            WHERE c.quiz_metadata -> 'passing_score' = (
                SELECT b.quiz_metadata -> 'passing_score' FROM courses b
                WHERE b.quiz_metadata -> 'passing_score' < 'false'::jsonb AND jsonb_typeof(b.quiz_metadata -> 'passing_score') = 'number'
                ORDER BY b.quiz_metadata -> 'passing_score' DESC
                LIMIT 1)
        ), ties AS (
            SELECT t.*, count(*) OVER () AS ties FROM tied t ORDER BY t.title, t.course_id LIMIT @limit
        )
        SELECT t.course_id, t.title, u.email AS instructor_email, t.passing_score::numeric AS passing_score, t.ties
        FROM ties t LEFT JOIN users u ON u.user_id = t.instructor_id
        ORDER BY t.title, t.course_id
        """;

    // sales_difficulty (0017) keeps, per difficulty, its courses, their numeric passing scores and folded sales; the
    // sales not folded yet are added by their course's current difficulty, in the same snapshot.
    public const string ByDifficultySql = """
        SELECT d.difficulty, d.courses, round(d.passing_score_sum / nullif(d.scored_courses, 0), 1) AS average_passing_score,
               d.enrollments + coalesce(p.enrollments, 0) AS enrollments,
               CASE WHEN p.difficulty IS NULL THEN d.gross_revenue ELSE d.gross_revenue + p.gross_revenue END AS gross_revenue
        FROM sales_difficulty d
        LEFT JOIN (SELECT sales_difficulty_of(c.quiz_metadata) AS difficulty, sum(x.enrollments)::bigint AS enrollments, sum(x.gross_revenue) AS gross_revenue
                   FROM sales_deltas x JOIN courses c ON c.course_id = x.course_id
                   GROUP BY 1) p ON p.difficulty = d.difficulty
        WHERE d.courses > 0
        ORDER BY gross_revenue DESC, d.difficulty
        """;

    // quiz_metadata_problem (0015) names the first thing wrong with a course's metadata; its partial index holds only
    // the courses with a problem, in the order shown, so the count and the page read that index alone.
    public const string MetadataProblemsSql = """
        WITH p AS (
            SELECT c.course_id, quiz_metadata_problem(c.quiz_metadata) AS problem, count(*) OVER () AS total
            FROM courses c
            WHERE quiz_metadata_problem(c.quiz_metadata) IS NOT NULL
            ORDER BY 2, 1
            LIMIT @limit)
        SELECT p.course_id, c.title, p.problem, c.quiz_metadata::text AS metadata, p.total
        FROM p JOIN courses c ON c.course_id = p.course_id
        ORDER BY p.problem, p.course_id
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
