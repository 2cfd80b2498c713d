using System.Globalization;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using TechCourse.Admin.Features.Analytics;
using TechCourse.Admin.Features.Sales;
using TechCourse.Admin.Infrastructure.Cli;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Features.Sales;

[Collection("console output")]
public sealed class SalesRollupTests
{
    private const string PlainReport = "SELECT c.title, count(e.enrollment_id), sum(e.amount_paid) FROM courses c JOIN enrollments e ON c.course_id = e.course_id GROUP BY c.title ORDER BY 1";

    [Fact]
    public async Task Rollups_stay_exact_under_parallel_writers_folds_title_and_difficulty_changes_a_cascading_user_delete_and_a_truncate()
    {
        await using var database = await TestDatabase.CreateAsync();
        var instructor = await SalesData.UserAsync(database.DataSource, "Instructor");
        var courses = new List<int>();
        for (var i = 0; i < 6; i++) courses.Add(await SalesData.CourseAsync(database.DataSource, instructor, $"Course {i % 4}"));
        var departing = await SalesData.UserAsync(database.DataSource);
        foreach (var course in courses) await SalesData.EnrollAsync(database.DataSource, course, 12.34m, DateTimeOffset.UtcNow.AddDays(-3), departing);
        var start = DateTimeOffset.Parse("2026-03-28T20:00:00Z", CultureInfo.InvariantCulture);
        using var writing = new CancellationTokenSource();

        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(() => WriterAsync(database, courses, start, w))).ToList();
        var folder = Task.Run(async () =>
        {
            await using var connection = await database.DataSource.OpenConnectionAsync();
            while (!writing.IsCancellationRequested)
            {
                await SalesRollups.TryFoldAsync(connection, CancellationToken.None);
                await Task.Delay(20);
            }
        });
        var renamer = Task.Run(async () =>
        {
            await using var connection = await database.DataSource.OpenConnectionAsync();
            for (var round = 0; !writing.IsCancellationRequested; round++)
            {
                // Titles move between courses, so some collide (the report groups by title) and some go away; so do difficulties.
                await RetryAsync(() => connection.ExecuteAsync("UPDATE courses SET title = @title, quiz_metadata = @metadata::jsonb WHERE course_id = @course",
                    new { title = $"Course {round % 5}", metadata = QuizMetadata[round % QuizMetadata.Length], course = courses[round % courses.Count] }));
                await Task.Delay(15);
            }
        });
        // The delete and the truncate each land while the writers are mid-way.
        await Eventually.WaitForAsync(async () => await WrittenAsync(database) >= 8 * 3 * 5, TimeSpan.FromSeconds(60), "the writers to write five rounds");
        await using (var connection = await database.DataSource.OpenConnectionAsync())
            await RetryAsync(() => connection.ExecuteAsync("DELETE FROM users WHERE user_id = @departing", new { departing }));
        await Eventually.WaitForAsync(async () => await WrittenAsync(database) >= 8 * 3 * 10, TimeSpan.FromSeconds(60), "the writers to write ten rounds");
        await using (var connection = await database.DataSource.OpenConnectionAsync())
            await RetryAsync(() => connection.ExecuteAsync("TRUNCATE enrollments"));
        await Task.WhenAll(writers);
        await writing.CancelAsync();
        await Task.WhenAll(folder, renamer);
        await SalesData.EnrollAsync(database.DataSource, courses[0], 1.01m, start);

        await using var check = await database.DataSource.OpenConnectionAsync();
        Assert.True(await check.ExecuteScalarAsync<long>("SELECT count(*) FROM sales_deltas") > 0, "some deltas are still waiting to be folded");
        Assert.Empty(await SalesRollups.VerifyAsync(check, CancellationToken.None));
        Assert.Equal(await check.QueryAsync<(string, long, decimal)>(PlainReport), await check.QueryAsync<(string, long, decimal)>("SELECT * FROM daily_sales_report ORDER BY 1"));
        Assert.Equal(await check.QueryAsync<(string, long, decimal?, long, decimal)>(PlainByDifficulty), await ShownByDifficultyAsync(database));
        Assert.Equal(0L, await check.ExecuteScalarAsync<long>("SELECT count(*) FROM enrollments WHERE student_id = @departing", new { departing }));

        Assert.True(await SalesRollups.FoldAsync(check, CancellationToken.None) > 0);
        Assert.Equal(0L, await check.ExecuteScalarAsync<long>("SELECT count(*) FROM sales_deltas"));
        Assert.Empty(await SalesRollups.VerifyAsync(check, CancellationToken.None));
        Assert.Equal(await check.QueryAsync<(string, long, decimal)>(PlainReport), await check.QueryAsync<(string, long, decimal)>("SELECT * FROM daily_sales_report ORDER BY 1"));
    }

    private static readonly string?[] QuizMetadata =
        ["""{"difficulty": "Hard", "passing_score": 80}""", null, """{"difficulty": "Easy", "passing_score": 72.5}""", """{"difficulty": "Easy", "passing_score": "90"}""", """{"passing_score": 65}"""];

    // The seed's way: every course grouped by its difficulty, with every enrollment of it.
    private const string PlainByDifficulty = """
        SELECT coalesce(c.quiz_metadata->>'difficulty', '(none)'), count(*),
               round(avg((c.quiz_metadata->>'passing_score')::numeric) FILTER (WHERE jsonb_typeof(c.quiz_metadata->'passing_score') = 'number'), 1),
               coalesce(sum(e.enrollments), 0)::bigint, coalesce(sum(e.gross_revenue), 0)
        FROM courses c
        LEFT JOIN (SELECT course_id, count(*) AS enrollments, sum(amount_paid) AS gross_revenue FROM enrollments GROUP BY course_id) e ON e.course_id = c.course_id
        GROUP BY 1 ORDER BY 5 DESC, 1
        """;

    [Fact]
    public async Task Figures_by_difficulty_follow_metadata_edits_new_and_deleted_courses_before_and_after_folding()
    {
        await using var database = await TestDatabase.CreateAsync();
        var at = DateTimeOffset.Parse("2026-06-01T10:00:00Z", CultureInfo.InvariantCulture);
        await using var connection = await database.DataSource.OpenConnectionAsync();
        var hard = await CourseAsync("""{"difficulty": "Hard", "passing_score": 90}""");
        var easy = await CourseAsync("""{"difficulty": "Easy", "passing_score": 60.5}""");
        var unscored = await CourseAsync(null);
        var leaving = await CourseAsync("""{"difficulty": "Hard", "passing_score": 70}""");
        await SalesData.EnrollAsync(database.DataSource, hard, 10.10m, at);
        await SalesData.EnrollAsync(database.DataSource, easy, 20.20m, at);
        await SalesData.EnrollAsync(database.DataSource, unscored, 30.30m, at);
        await SalesData.EnrollAsync(database.DataSource, leaving, 40.40m, at);
        var steps = new (string Sql, object? Args)[]
        {
            ("UPDATE courses SET quiz_metadata = '{\"difficulty\": \"Easy\", \"passing_score\": 75}' WHERE course_id = @hard", new { hard }),
            ("SELECT sales_rollups_fold()", null),
            ("UPDATE courses SET quiz_metadata = '{\"difficulty\": \"Medium\", \"passing_score\": \"80\"}' WHERE course_id = @easy", new { easy }),
            ("UPDATE courses SET price = price + 1, title = 'Renamed' WHERE course_id = @unscored", new { unscored }),
            ("UPDATE enrollments SET course_id = @hard WHERE course_id = @leaving", new { hard, leaving }),
            ("DELETE FROM courses WHERE course_id = @leaving", new { leaving }),
            ("INSERT INTO courses (title, price, quiz_metadata) VALUES ('New A', 5, '{\"difficulty\": \"Hard\", \"passing_score\": 50}'), ('New B', 5, NULL)", null),
            ("SELECT sales_rollups_fold()", null),
            ("UPDATE courses SET quiz_metadata = NULL WHERE course_id = @hard", new { hard }),
        };

        foreach (var (step, args) in steps)
        {
            await connection.ExecuteAsync(step, args);
            Assert.Equal(await PlainAsync(), await ShownAsync());
        }

        Assert.Equal([("(none)", 3L, (decimal?)null, 3L, 80.80m), ("Medium", 1L, null, 1L, 20.20m), ("Hard", 1L, 50.0m, 0L, 0m)], await ShownAsync());
        Assert.Empty(await SalesRollups.VerifyAsync(connection, CancellationToken.None));

        async Task<int> CourseAsync(string? metadata) => await connection.ExecuteScalarAsync<int>(
            "INSERT INTO courses (title, price, quiz_metadata) VALUES ('Course', 10, @metadata::jsonb) RETURNING course_id", new { metadata });
        async Task<List<(string, long, decimal?, long, decimal)>> PlainAsync() =>
            (await connection.QueryAsync<(string, long, decimal?, long, decimal)>(PlainByDifficulty)).AsList();
        Task<List<(string, long, decimal?, long, decimal)>> ShownAsync() => ShownByDifficultyAsync(database);
    }

    private static async Task<List<(string, long, decimal?, long, decimal)>> ShownByDifficultyAsync(TestDatabase database) =>
        (await new AnalyticsQueries(database.DataSource).ByDifficultyAsync(CancellationToken.None))
        .Select(d => (d.Difficulty, d.Courses, d.AveragePassingScore, d.Enrollments, d.GrossRevenue)).ToList();

    [Fact]
    public async Task The_report_follows_title_changes_duplicate_titles_and_deleted_courses_before_and_after_folding()
    {
        await using var database = await TestDatabase.CreateAsync();
        var at = DateTimeOffset.Parse("2026-06-01T10:00:00Z", CultureInfo.InvariantCulture);
        var sql = await CourseAsync("SQL");
        var sqlToo = await CourseAsync("SQL");
        var go = await CourseAsync("Go");
        var unsold = await CourseAsync("Unsold");
        var moved = await CourseAsync("Moved away");
        await SalesData.EnrollAsync(database.DataSource, sql, 10.10m, at);
        await SalesData.EnrollAsync(database.DataSource, sqlToo, 20.20m, at);
        await SalesData.EnrollAsync(database.DataSource, go, 30.30m, at);
        await SalesData.EnrollAsync(database.DataSource, moved, 40.40m, at);
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await connection.ExecuteAsync("INSERT INTO enrollments (student_id, course_id, amount_paid) SELECT user_id, NULL, 5.55 FROM users LIMIT 1");
        var steps = new (string Sql, object? Args)[]
        {
            ("UPDATE courses SET title = 'Go' WHERE course_id = @sqlToo", new { sqlToo }),
            ("SELECT sales_rollups_fold()", null),
            ("UPDATE courses SET title = 'Go deeper' WHERE course_id = @go", new { go }),
            ("UPDATE enrollments SET course_id = @go WHERE course_id = @moved", new { go, moved }),
            ("DELETE FROM courses WHERE course_id = @moved", new { moved }),
            ("SELECT sales_rollups_fold()", null),
            ("UPDATE courses SET title = 'SQL' WHERE course_id IN (@sqlToo, @unsold)", new { sqlToo, unsold }),
        };

        foreach (var (step, args) in steps)
        {
            await connection.ExecuteAsync(step, args);
            Assert.Equal(await connection.QueryAsync<(string, long, decimal)>(PlainReport), await connection.QueryAsync<(string, long, decimal)>("SELECT * FROM daily_sales_report ORDER BY 1"));
        }

        Assert.Equal([("Go deeper", 2L, 70.70m), ("SQL", 2L, 30.30m)], await connection.QueryAsync<(string, long, decimal)>("SELECT * FROM daily_sales_report ORDER BY 1"));
        Assert.Empty(await SalesRollups.VerifyAsync(connection, CancellationToken.None));

        async Task<int> CourseAsync(string title) => await SalesData.CourseAsync(database.DataSource, null, title);
    }

    [Fact]
    public async Task Verify_reports_each_difference_and_fails_and_rebuild_repairs_the_rollups()
    {
        await using var database = await TestDatabase.CreateAsync();
        var course = await SalesData.CourseAsync(database.DataSource, null);
        await SalesData.EnrollAsync(database.DataSource, course, 19.99m, DateTimeOffset.Parse("2026-05-01T10:20:00Z", CultureInfo.InvariantCulture));
        await using (var connection = await database.DataSource.OpenConnectionAsync())
        {
            await SalesRollups.FoldAsync(connection, CancellationToken.None);
            await connection.ExecuteAsync("UPDATE sales_course SET gross_revenue = gross_revenue + 1; UPDATE sales_day SET running_enrollments[50] = running_enrollments[50] + 1; UPDATE sales_difficulty SET scored_courses = 1");
        }

        var (verifyExit, report) = await RunAsync(database, "rollups", "verify");
        var (rebuildExit, _) = await RunAsync(database, "rollups", "rebuild");
        var (secondVerify, secondReport) = await RunAsync(database, "rollups", "verify");

        Assert.Equal(1, verifyExit);
        Assert.Contains($"course {course}: expected 1 / 19.99, rollup has 1 / 20.99", report, StringComparison.Ordinal);
        Assert.Contains("quarter hour 2026-05-01 12:15 UTC: expected none / none, rollup has 1 / 0.00", report, StringComparison.Ordinal);
        Assert.Contains("difficulty (none) (courses 1, scored 0, score sum 0 expected; 1, 1, 0 kept): expected 1 / 20.99, rollup has 1 / 19.99", report, StringComparison.Ordinal);
        Assert.Equal((0, 0), (rebuildExit, secondVerify));
        Assert.Contains("0 differences", secondReport, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fold_moves_the_deltas_into_the_rollups_and_reports_how_many()
    {
        await using var database = await TestDatabase.CreateAsync();
        var course = await SalesData.CourseAsync(database.DataSource, null);
        await SalesData.EnrollAsync(database.DataSource, course, 3m, DateTimeOffset.UtcNow);
        await SalesData.EnrollAsync(database.DataSource, course, 4m, DateTimeOffset.UtcNow);

        var (exit, output) = await RunAsync(database, "rollups", "fold");

        Assert.Equal(0, exit);
        Assert.Contains("Folded 2 sales delta(s)", output, StringComparison.Ordinal);
        await using var connection = await database.DataSource.OpenConnectionAsync();
        Assert.Equal((2L, 7m), await connection.QuerySingleAsync<(long, decimal)>("SELECT enrollments, gross_revenue FROM sales_course WHERE course_id = @course", new { course }));
    }

    [Fact]
    public async Task Truncating_enrollments_empties_the_rollups()
    {
        await using var database = await TestDatabase.CreateAsync();
        var course = await SalesData.CourseAsync(database.DataSource, null);
        await SalesData.EnrollAsync(database.DataSource, course, 5m, DateTimeOffset.UtcNow);
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await SalesRollups.FoldAsync(connection, CancellationToken.None);
        await SalesData.EnrollAsync(database.DataSource, course, 6m, DateTimeOffset.UtcNow);

        await connection.ExecuteAsync("TRUNCATE enrollments");

        Assert.Equal(0L, await connection.ExecuteScalarAsync<long>("""
            SELECT (SELECT count(*) FROM sales_deltas) + (SELECT count(*) FROM sales_course WHERE enrollments <> 0 OR gross_revenue <> 0)
                 + (SELECT count(*) FROM sales_title WHERE enrollments <> 0) + (SELECT count(*) FROM sales_day)
                 + (SELECT count(*) FROM sales_course_month) + (SELECT enrollments FROM sales_total)
                 + (SELECT count(*) FROM sales_difficulty WHERE enrollments <> 0 OR gross_revenue <> 0)
            """));
        Assert.Empty(await SalesRollups.VerifyAsync(connection, CancellationToken.None));
    }

    // Enrollments the writers have committed (their students' emails start with w).
    private static async Task<long> WrittenAsync(TestDatabase database)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM users WHERE email LIKE 'w%@example.com'") * 3;
    }

    private static async Task WriterAsync(TestDatabase database, IReadOnlyList<int> courses, DateTimeOffset start, int writer)
    {
        var random = new Random(writer);
        await using var connection = await database.DataSource.OpenConnectionAsync();
        for (var step = 0; step < 60; step++)
            await RetryAsync(() => WriteStepAsync(connection, courses, start, random, writer, step));
    }

    private static async Task<int> WriteStepAsync(NpgsqlConnection connection, IReadOnlyList<int> courses, DateTimeOffset start, Random random, int writer, int step)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        var student = await connection.ExecuteScalarAsync<Guid>("INSERT INTO users (email) VALUES (@e) RETURNING user_id", new { e = $"w{writer}-{step}-{Guid.NewGuid():N}@example.com" }, transaction);
        foreach (var course in courses.OrderBy(_ => random.Next()).Take(3))
            await connection.ExecuteAsync("INSERT INTO enrollments (student_id, course_id, amount_paid, enrolled_at) VALUES (@student, @course, @amount, @at)",
                new { student, course, amount = random.Next(0, 20000) / 100m, at = start.AddMinutes(random.Next(0, 3000)) }, transaction);
        switch (step % 4)
        {
            case 1:
                await connection.ExecuteAsync("UPDATE enrollments SET amount_paid = amount_paid + 0.01 WHERE student_id = @student", new { student }, transaction);
                break;
            case 2:
                await connection.ExecuteAsync("UPDATE enrollments SET enrolled_at = enrolled_at + interval '5 hours 15 minutes', course_id = @course WHERE student_id = @student AND course_id = (SELECT min(course_id) FROM enrollments WHERE student_id = @student) AND NOT EXISTS (SELECT 1 FROM enrollments WHERE student_id = @student AND course_id = @course)",
                    new { student, course = courses[writer % courses.Count] }, transaction);
                break;
            case 3:
                await connection.ExecuteAsync("DELETE FROM enrollments WHERE enrollment_id = (SELECT max(enrollment_id) FROM enrollments WHERE student_id = @student)", new { student }, transaction);
                break;
        }
        if (step % 9 == 8) await transaction.RollbackAsync();
        else await transaction.CommitAsync();
        return step;
    }

    // Concurrent transactions can deadlock on rows like anywhere else: PostgreSQL aborts one and it is retried (40P01).
    private static async Task RetryAsync(Func<Task<int>> work)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await work();
                return;
            }
            catch (PostgresException e) when (e.SqlState is "40P01" && attempt < 10)
            {
            }
        }
    }

    private static async Task<(int Exit, string Output)> RunAsync(TestDatabase database, params string[] args)
    {
        var output = new StringWriter();
        var original = Console.Out;
        Console.SetOut(output);
        try
        {
            var exit = await CommandLine.RunAsync(args, database.Configuration, RepositoryPaths.Root, NullLoggerFactory.Instance, null, CancellationToken.None);
            return (exit, output.ToString());
        }
        finally
        {
            Console.SetOut(original);
        }
    }
}
