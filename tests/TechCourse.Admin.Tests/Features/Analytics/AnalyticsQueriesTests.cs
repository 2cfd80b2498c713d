using Dapper;
using TechCourse.Admin.Features.Analytics;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Features.Analytics;

public sealed class AnalyticsQueriesTests
{
    [Fact]
    public async Task The_hardest_course_question_ignores_null_metadata_and_shows_every_tie()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            INSERT INTO users (email, role) VALUES ('ada@t.com', 'Instructor'), ('bob@t.com', 'Instructor'), ('cy@t.com', 'Instructor'), ('dee@t.com', 'Instructor');
            INSERT INTO courses (instructor_id, title, price, quiz_metadata) VALUES
                ((SELECT user_id FROM users WHERE email = 'ada@t.com'), 'No metadata', 10, NULL),
                ((SELECT user_id FROM users WHERE email = 'bob@t.com'), 'Hard A', 10, '{"difficulty": "Hard", "passing_score": 90}'),
                ((SELECT user_id FROM users WHERE email = 'cy@t.com'), 'Hard B', 10, '{"difficulty": "Hard", "passing_score": 90}'),
                ((SELECT user_id FROM users WHERE email = 'dee@t.com'), 'Text score', 10, '{"difficulty": "Easy", "passing_score": "95"}'),
                ((SELECT user_id FROM users WHERE email = 'dee@t.com'), 'Easy', 10, '{"difficulty": "Easy", "passing_score": 60}');
            """);
        var seedAnswer = await connection.QueryAsync<string>("WITH HardestCourse AS (SELECT instructor_id FROM courses ORDER BY CAST(quiz_metadata->>'passing_score' AS INTEGER) DESC LIMIT 1) SELECT u.email FROM users u JOIN HardestCourse h ON u.user_id = h.instructor_id");
        var queries = new AnalyticsQueries(database.DataSource);

        var hardest = await queries.HardestCoursesAsync(CancellationToken.None);
        var firstOfTheTies = await queries.HardestCoursesAsync(CancellationToken.None, limit: 1);
        var problems = await queries.MetadataProblemsAsync(CancellationToken.None);
        var hard = await queries.FilterAsync("Hard", null, null, CancellationToken.None);
        var difficulties = await queries.ByDifficultyAsync(CancellationToken.None);

        Assert.Equal(["ada@t.com"], seedAnswer);
        Assert.Equal([("bob@t.com", 90m), ("cy@t.com", 90m)], hardest.Select(h => (h.InstructorEmail, h.PassingScore)));
        Assert.Equal([("bob@t.com", 2L)], firstOfTheTies.Select(h => (h.InstructorEmail, h.Ties)));
        Assert.Equal([("No metadata", "no quiz metadata"), ("Text score", "passing_score is not a number")], problems.Select(p => (p.Title, p.Problem)).OrderBy(p => p.Title));
        Assert.Equal(["Hard A", "Hard B"], hard.Select(h => h.Title));
        Assert.Equal(90m, difficulties.Single(d => d.Difficulty == "Hard").AveragePassingScore);
        Assert.Equal(60m, difficulties.Single(d => d.Difficulty == "Easy").AveragePassingScore);
    }

    [Fact]
    public async Task Scores_that_are_not_numbers_never_win_even_where_json_sorts_them_above_every_number()
    {
        await using var database = await CoursesWithMetadataAsync(
            ("Object score", """{"difficulty": "Hard", "passing_score": {"value": 100}}"""),
            ("Array score", """{"difficulty": "Hard", "passing_score": [100]}"""),
            ("True score", """{"difficulty": "Hard", "passing_score": true}"""),
            ("False score", """{"difficulty": "Hard", "passing_score": false}"""),
            ("Null score", """{"difficulty": "Hard", "passing_score": null}"""),
            ("Text score", """{"difficulty": "Hard", "passing_score": "99"}"""),
            ("Real number", """{"difficulty": "Hard", "passing_score": 88.5}"""),
            ("Smaller", """{"difficulty": "Easy", "passing_score": 88.25}"""));

        var hardest = await new AnalyticsQueries(database.DataSource).HardestCoursesAsync(CancellationToken.None);

        Assert.Equal([("Real number", 88.5m, 1L)], hardest.Select(h => (h.Title, h.PassingScore, h.Ties)));
    }

    [Fact]
    public async Task Each_course_with_broken_quiz_metadata_is_listed_once_with_the_first_problem_found_and_the_total()
    {
        await using var database = await CoursesWithMetadataAsync(
            ("Fine", """{"difficulty": "Hard", "passing_score": 80, "questions": 10}"""),
            ("Fine without questions", """{"difficulty": "Easy", "passing_score": 0}"""),
            ("None", null),
            ("Array", "[1, 2]"),
            ("No score", """{"difficulty": "Hard"}"""),
            ("Text score", """{"difficulty": "Hard", "passing_score": "80"}"""),
            ("Score 101", """{"difficulty": "Hard", "passing_score": 101}"""),
            ("Negative score and no difficulty", """{"passing_score": -1}"""),
            ("No difficulty", """{"passing_score": 50}"""),
            ("Numeric difficulty", """{"difficulty": 3, "passing_score": 50}"""),
            ("Text questions", """{"difficulty": "Easy", "passing_score": 50, "questions": "ten"}"""));
        var queries = new AnalyticsQueries(database.DataSource);

        var all = await queries.MetadataProblemsAsync(CancellationToken.None);
        var firstTwo = await queries.MetadataProblemsAsync(CancellationToken.None, limit: 2);

        Assert.Equal(
        [
            ("Numeric difficulty", "difficulty is not text"), ("No difficulty", "difficulty missing"), ("Array", "metadata is not a JSON object"),
            ("None", "no quiz metadata"), ("Text score", "passing_score is not a number"), ("No score", "passing_score missing"),
            ("Score 101", "passing_score outside 0–100"), ("Negative score and no difficulty", "passing_score outside 0–100"),
            ("Text questions", "questions is not a number"),
        ], all.Select(p => (p.Title, p.Problem)));
        Assert.All(all, p => Assert.Equal(9L, p.Total));
        Assert.Equal(all.Take(2).Select(p => (p.CourseId, p.Total)), firstTwo.Select(p => (p.CourseId, p.Total)));
    }

    // A fresh database with one instructor and, in this order, a course (price 10) per title and quiz metadata.
    private static async Task<TestDatabase> CoursesWithMetadataAsync(params (string Title, string? Metadata)[] courses)
    {
        var database = await TestDatabase.CreateAsync();
        await using var connection = await database.DataSource.OpenConnectionAsync();
        var instructor = await connection.ExecuteScalarAsync<Guid>("INSERT INTO users (email, role) VALUES ('ada@t.com', 'Instructor') RETURNING user_id");
        foreach (var (title, metadata) in courses)
            await connection.ExecuteAsync("INSERT INTO courses (instructor_id, title, price, quiz_metadata) VALUES (@instructor, @title, 10, @metadata::jsonb)",
                new { instructor, title, metadata });
        return database;
    }
}
