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
}
