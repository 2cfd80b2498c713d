using System.Text.Json.Nodes;
using Dapper;
using Npgsql;
using TechCourse.Admin.Features.Courses;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Features.Courses;

public sealed class CoursesStoreTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    private readonly CourseTestData data = new(database.Database);
    private CoursesStore Store => new(data.Runtime);
    private CoursesQueries Queries => new(data.Runtime);

    private Task<long> ChangesAsync(int course) => data.ScalarAsync<long>("SELECT count(*) FROM price_changes WHERE course_id = @course", new { course });

    [Fact]
    public async Task A_price_change_is_saved_with_one_history_entry_naming_who_and_why()
    {
        var ada = await data.StaffAsync(StaffRoles.Instructor);
        var course = await data.CourseAsync(ada, "Rust", 50m);

        var result = await Store.UpdatePriceAsync(ada, course, 50m, 39.99m, "  Black Friday ", default);

        Assert.Equal(SaveOutcome.Saved, result.Outcome);
        var history = await Queries.PriceHistoryAsync(ada, course, default);
        var entry = Assert.Single(history);
        Assert.Equal((50m, 39.99m, ada.Email, "app", "Black Friday", -20.0m), (entry.OldPrice, entry.NewPrice, entry.ChangedBy, entry.Source, entry.Reason, entry.PercentChange));
    }

    [Fact]
    public async Task A_stale_price_is_not_overwritten_and_the_conflict_says_who_changed_it_from_what_to_what()
    {
        var ada = await data.StaffAsync(StaffRoles.Instructor);
        var admin = await data.StaffAsync(StaffRoles.Admin, "root");
        var course = await data.CourseAsync(ada, "Rust", 50m);
        Assert.Equal(SaveOutcome.Saved, (await Store.UpdatePriceAsync(admin, course, 50m, 45m, "promo", default)).Outcome);

        var stale = await Store.UpdatePriceAsync(ada, course, 50m, 60m, null, default);

        Assert.Equal(SaveOutcome.Conflict, stale.Outcome);
        Assert.Equal((45m, admin.Email, 50m, 45m), (stale.CurrentPrice, stale.LastChange!.ChangedBy, stale.LastChange.OldPrice, stale.LastChange.NewPrice));
        Assert.Equal(45m, await data.ScalarAsync<decimal>("SELECT price FROM courses WHERE course_id = @course", new { course }));
        Assert.Equal(1L, await ChangesAsync(course));

        var onTop = await Store.UpdatePriceAsync(ada, course, stale.CurrentPrice!.Value, 60m, null, default);
        Assert.Equal(SaveOutcome.Saved, onTop.Outcome);
        Assert.Equal(2L, await ChangesAsync(course));
    }

    [Fact]
    public async Task Two_editors_racing_from_the_same_price_never_both_win_and_each_applied_change_is_logged_once()
    {
        var ada = await data.StaffAsync(StaffRoles.Instructor);
        var admin = await data.StaffAsync(StaffRoles.Admin, "root");
        var course = await data.CourseAsync(ada, "Rust", 50m);

        for (var round = 0; round < 10; round++)
        {
            var start = await data.ScalarAsync<decimal>("SELECT price FROM courses WHERE course_id = @course", new { course });
            using var go = new ManualResetEventSlim();
            var racers = new[] { (ada, 100m + round), (admin, 200m + round) }.Select(r => Task.Run(async () =>
            {
                go.Wait();
                return await new CoursesStore(data.Runtime).UpdatePriceAsync(r.Item1, course, start, r.Item2, null, default);
            })).ToArray();
            go.Set();
            var results = await Task.WhenAll(racers);

            Assert.Equal(1, results.Count(r => r.Outcome == SaveOutcome.Saved));
            Assert.Equal(1, results.Count(r => r.Outcome == SaveOutcome.Conflict));
        }
        Assert.Equal(10L, await ChangesAsync(course));
        Assert.Equal(0L, await data.ScalarAsync<long>("""
            SELECT count(*) FROM (SELECT new_price, lead(old_price) OVER (ORDER BY log_id) AS next_old FROM price_changes WHERE course_id = @course) chain
            WHERE next_old IS NOT NULL AND next_old <> new_price
            """, new { course }));
    }

    [Theory]
    [InlineData(-1, CourseRules.PriceRange)]
    [InlineData(100000000, CourseRules.PriceRange)]
    [InlineData(1.999, CourseRules.PriceDecimals)]
    public async Task An_invalid_price_is_refused_at_the_price_field_without_writing(decimal price, string message)
    {
        var ada = await data.StaffAsync(StaffRoles.Instructor);
        var course = await data.CourseAsync(ada, "Rust", 50m);

        var result = await Store.UpdatePriceAsync(ada, course, 50m, price, null, default);

        Assert.Equal((SaveOutcome.Invalid, "price", message), (result.Outcome, result.Error!.Field, result.Error.Message));
        Assert.Equal(0L, await ChangesAsync(course));
    }

    [Fact]
    public async Task The_database_check_on_price_maps_to_the_same_field_message()
    {
        var ada = await data.StaffAsync(StaffRoles.Instructor);
        var course = await data.CourseAsync(ada, "Rust", 50m);
        await using var connection = await data.Runtime.OpenConnectionAsync();
        await using var transaction = await connection.BeginAsActorAsync(ada, default);

        var error = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => connection.ExecuteAsync("UPDATE courses SET price = -5 WHERE course_id = @course", new { course }, transaction));

        var mapped = TechCourse.Admin.Infrastructure.Database.DatabaseErrors.Describe(error, CoursesStore.ConstraintMessages);
        Assert.Equal(("price", CourseRules.PriceRange), (mapped!.Field, mapped.Message));
    }

    [Fact]
    public async Task An_instructor_cannot_change_the_price_of_another_instructors_course()
    {
        var ada = await data.StaffAsync(StaffRoles.Instructor);
        var bob = await data.StaffAsync(StaffRoles.Instructor, "bob");
        var course = await data.CourseAsync(bob, "Bob's", 50m);

        var result = await Store.UpdatePriceAsync(ada, course, 50m, 1m, null, default);

        Assert.Equal(SaveOutcome.NotFound, result.Outcome);
        Assert.Equal(0L, await ChangesAsync(course));
    }

    [Fact]
    public async Task Price_changes_prepared_once_on_a_connection_keep_each_actors_name_reason_and_rights()
    {
        await using var oneConnection = NpgsqlDataSource.Create(database.Database.ConnectionString + ";Options=-c role=techcourse_app;Maximum Pool Size=1;No Reset On Close=true");
        var store = new CoursesStore(oneConnection);
        var ada = await data.StaffAsync(StaffRoles.Instructor);
        var bob = await data.StaffAsync(StaffRoles.Instructor, "bob");
        var admin = await data.StaffAsync(StaffRoles.Admin, "root");
        var adas = await data.CourseAsync(ada, "Ada's", 50m);
        var bobs = await data.CourseAsync(bob, "Bob's", 50m);

        for (var i = 0; i < 8; i++)
            Assert.Equal(SaveOutcome.Saved, (await store.UpdatePriceAsync(i % 2 == 0 ? ada : admin, adas, 50m + i, 51m + i, $"round {i}", default)).Outcome);
        var refused = await store.UpdatePriceAsync(ada, bobs, 50m, 1m, "not mine", default);
        var unexplained = await store.UpdatePriceAsync(bob, bobs, 50m, 40m, null, default);

        Assert.Equal((SaveOutcome.NotFound, SaveOutcome.Saved), (refused.Outcome, unexplained.Outcome));
        var adasHistory = (await Queries.PriceHistoryAsync(admin, adas, default)).OrderBy(c => c.NewPrice).Select(c => (c.NewPrice, c.ChangedBy, c.Reason)).ToList();
        Assert.Equal(Enumerable.Range(0, 8).Select(i => ((decimal?)(51m + i), (string?)(i % 2 == 0 ? ada : admin).Email, (string?)$"round {i}")).ToList(), adasHistory);
        var bobsChange = Assert.Single(await Queries.PriceHistoryAsync(admin, bobs, default));
        Assert.Equal(((decimal?)40m, (string?)bob.Email, (string?)null), (bobsChange.NewPrice, bobsChange.ChangedBy, bobsChange.Reason));
        await using var connection = await oneConnection.OpenConnectionAsync();
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE 'UPDATE courses SET price%'"));
    }

    [Fact]
    public async Task Editing_a_course_keeps_quiz_metadata_keys_the_form_does_not_know()
    {
        var ada = await data.StaffAsync(StaffRoles.Instructor);
        var course = await data.CourseAsync(ada, "Rust", 50m, false, """{"questions": 10, "difficulty": "Easy", "custom": {"x": [1, 2]}, "retakes_allowed": 2}""");
        var loaded = (await Queries.FindAsync(ada, course, default))!;
        var metadata = QuizMetadata.Parse(loaded.QuizMetadata).Metadata!;
        metadata.Difficulty = "Hard";
        metadata.PassingScore = 70;

        var result = await Store.UpdateAsync(ada, course, loaded.Version, new CourseDraft("Rust, revised", 55m, true, null, metadata.ToJson()), "new edition", default);

        Assert.Equal(SaveOutcome.Saved, result.Outcome);
        var saved = JsonNode.Parse((await Queries.FindAsync(ada, course, default))!.QuizMetadata!)!.AsObject();
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"questions":10,"difficulty":"Hard","custom":{"x":[1,2]},"retakes_allowed":2,"passing_score":70}"""), saved), saved.ToJsonString());
        var entry = Assert.Single(await Queries.PriceHistoryAsync(ada, course, default));
        Assert.Equal((50m, 55m, "new edition"), (entry.OldPrice, entry.NewPrice, entry.Reason));
    }

    [Fact]
    public async Task Saving_the_dialog_over_a_row_changed_meanwhile_is_a_conflict()
    {
        var ada = await data.StaffAsync(StaffRoles.Instructor);
        var course = await data.CourseAsync(ada, "Rust", 50m);
        var loaded = (await Queries.FindAsync(ada, course, default))!;
        await Store.UpdatePriceAsync(ada, course, 50m, 52m, null, default);

        var result = await Store.UpdateAsync(ada, course, loaded.Version, new CourseDraft("Rust", 50m, true, null, null), null, default);

        Assert.Equal((SaveOutcome.Conflict, 52m), (result.Outcome, result.CurrentPrice));
        Assert.Equal(52m, await data.ScalarAsync<decimal>("SELECT price FROM courses WHERE course_id = @course", new { course }));
    }

    [Fact]
    public async Task An_instructor_creates_courses_only_for_themselves_and_an_admin_for_anyone()
    {
        var ada = await data.StaffAsync(StaffRoles.Instructor);
        var bob = await data.StaffAsync(StaffRoles.Instructor, "bob");
        var admin = await data.StaffAsync(StaffRoles.Admin, "root");

        var mine = await Store.CreateAsync(ada, new CourseDraft("  Mine  ", 10m, false, bob.UserId, """{"questions": 3}"""), default);
        var bobs = await Store.CreateAsync(admin, new CourseDraft("For Bob", 10m, true, bob.UserId, null), default);

        Assert.Equal((SaveOutcome.Saved, SaveOutcome.Saved), (mine.Outcome, bobs.Outcome));
        Assert.Equal("Mine", await data.ScalarAsync<string>("SELECT title FROM courses WHERE course_id = @id", new { id = int.Parse(mine.Version!) }));
        Assert.Equal(ada.UserId, await data.ScalarAsync<Guid>("SELECT instructor_id FROM courses WHERE course_id = @id", new { id = int.Parse(mine.Version!) }));
        Assert.Equal(bob.UserId, await data.ScalarAsync<Guid>("SELECT instructor_id FROM courses WHERE course_id = @id", new { id = int.Parse(bobs.Version!) }));
    }

    [Fact]
    public async Task Invalid_titles_and_quiz_metadata_are_refused_at_their_fields()
    {
        var ada = await data.StaffAsync(StaffRoles.Instructor);

        var noTitle = await Store.CreateAsync(ada, new CourseDraft(" ", 10m, false, null, null), default);
        var longTitle = await Store.CreateAsync(ada, new CourseDraft(new string('x', 201), 10m, false, null, null), default);
        var badJson = await Store.CreateAsync(ada, new CourseDraft("Ok", 10m, false, null, """{"passing_score": 101}"""), default);

        Assert.Equal("title", noTitle.Error!.Field);
        Assert.Contains("200", longTitle.Error!.Message, StringComparison.Ordinal);
        Assert.Equal(("quiz_metadata", SaveOutcome.Invalid), (badJson.Error!.Field, badJson.Outcome));
    }

    [Fact]
    public async Task A_course_with_enrollments_cannot_be_deleted_and_says_how_many_it_has()
    {
        var ada = await data.StaffAsync(StaffRoles.Instructor);
        var course = await data.CourseAsync(ada, "Popular", 50m);
        await data.EnrollAsync(course, 1234, 50m);

        var result = await Store.DeleteAsync(ada, course, default);

        Assert.Equal((false, "This course has 1,234 enrollments — unpublish it instead."), (result.Deleted, result.Message));
        Assert.Equal(1L, await data.ScalarAsync<long>("SELECT count(*) FROM courses WHERE course_id = @course", new { course }));
    }

    [Fact]
    public async Task A_course_without_enrollments_is_deleted_by_its_instructor_but_not_by_another()
    {
        var ada = await data.StaffAsync(StaffRoles.Instructor);
        var bob = await data.StaffAsync(StaffRoles.Instructor, "bob");
        var course = await data.CourseAsync(ada, "Empty", 50m);

        var byBob = await Store.DeleteAsync(bob, course, default);
        var byAda = await Store.DeleteAsync(ada, course, default);

        Assert.Equal((false, CoursesStore.NotFoundMessage), (byBob.Deleted, byBob.Message));
        Assert.True(byAda.Deleted);
        Assert.Equal(0L, await data.ScalarAsync<long>("SELECT count(*) FROM courses WHERE course_id = @course", new { course }));
    }
}
