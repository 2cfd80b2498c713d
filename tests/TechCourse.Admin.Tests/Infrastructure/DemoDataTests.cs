using System.Globalization;
using Dapper;
using Npgsql;
using TechCourse.Admin.Features.Audit;
using TechCourse.Admin.Features.Sales;
using TechCourse.Admin.Infrastructure.DemoData;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Infrastructure;

public sealed class DemoDataTests
{
    private static readonly DateTimeOffset Until = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly DataScale Small = new(Students: 300, Instructors: 4, Courses: 20, Enrollments: 1_200, PriceChanges: 50, HistoryDays: 60);

    [Fact]
    public void The_same_seed_gives_exactly_the_same_rows()
    {
        var first = Snapshot(new DemoDataGenerator(Small, seed: 7, Until));
        var second = Snapshot(new DemoDataGenerator(Small, seed: 7, Until));

        Assert.Equal(first, second);
    }

    [Fact]
    public void A_different_seed_gives_different_rows()
    {
        Assert.NotEqual(Snapshot(new DemoDataGenerator(Small, seed: 7, Until)), Snapshot(new DemoDataGenerator(Small, seed: 8, Until)));
    }

    [Fact]
    public void Generated_rows_keep_the_capstone_rules_and_enrollments_pay_the_price_in_force_on_their_day()
    {
        var generator = new DemoDataGenerator(Small, seed: 11, Until);
        var students = generator.Students().ToList();
        var enrollments = generator.Enrollments().ToList();
        var changes = generator.PriceChanges().ToList();

        Assert.Equal(Small.Students, students.Count);
        Assert.Equal(Small.Enrollments, enrollments.Count);
        Assert.Equal(Small.PriceChanges, changes.Count);
        Assert.Equal(Small.Students + Small.Instructors, students.Concat(generator.Instructors).Select(u => u.Email).Distinct().Count());
        Assert.Equal(enrollments.Count, enrollments.Select(e => (e.StudentId, e.CourseId)).Distinct().Count());
        Assert.All(enrollments, e => Assert.InRange(e.EnrolledAt, Until.AddDays(-Small.HistoryDays), Until));
        Assert.All(enrollments, e => Assert.True(generator.Courses[e.CourseId - 1].IsPublished));
        Assert.All(changes, c => Assert.NotEqual(c.OldPrice, c.NewPrice));
        Assert.All(generator.Courses, c => Assert.True(c.Price >= 0 && decimal.Round(c.Price, 2) == c.Price));

        foreach (var enrollment in enrollments)
        {
            var history = changes.Where(c => c.CourseId == enrollment.CourseId).OrderBy(c => c.ChangedAt).ToList();
            var earlier = history.Where(c => c.ChangedAt <= enrollment.EnrolledAt).ToList();
            var expected = earlier.Count > 0 ? earlier[^1].NewPrice : history.Count > 0 ? history[0].OldPrice : generator.Courses[enrollment.CourseId - 1].Price;
            Assert.Equal(expected, enrollment.AmountPaid);
        }
    }

    [Fact]
    public void Some_courses_have_no_quiz_metadata_and_the_rest_carry_questions_difficulty_and_passing_score()
    {
        var courses = new DemoDataGenerator(DataScale.Demo, DemoDataDefaults.Seed, Until).Courses;

        Assert.Contains(courses, c => c.QuizMetadata is null);
        Assert.Contains(courses, c => c.QuizMetadata?.Contains("\"passing_score\"", StringComparison.Ordinal) == true);
        Assert.All(new[] { "Easy", "Medium", "Hard" }, level => Assert.Contains(courses, c => c.QuizMetadata?.Contains(level, StringComparison.Ordinal) == true));
    }

    [Fact]
    public async Task Loading_puts_every_row_in_and_rebuilds_the_indexes_and_constraints_it_dropped()
    {
        await using var database = await TestDatabase.CreateAsync();
        var indexesBefore = await SchemaSnapshot.IndexesAsync(database.ConnectionString);
        var constraintsBefore = await SchemaSnapshot.ConstraintsAsync(database.ConnectionString);
        var generator = new DemoDataGenerator(Small, seed: 3, Until);

        var report = await BulkLoader.LoadAsync(database.ConnectionString, generator, CancellationToken.None);

        Assert.Equal((Small.Students + Small.Instructors, Small.Courses, Small.PriceChanges, Small.Enrollments),
            (report.Users, report.Courses, report.PriceChanges, report.Enrollments));
        Assert.Equal(indexesBefore, await SchemaSnapshot.IndexesAsync(database.ConnectionString));
        Assert.Equal(constraintsBefore, await SchemaSnapshot.ConstraintsAsync(database.ConnectionString));
        await using var connection = await database.DataSource.OpenConnectionAsync();
        var expectedRevenue = generator.Enrollments().Sum(e => e.AmountPaid);
        Assert.Equal(expectedRevenue, await connection.ExecuteScalarAsync<decimal>("SELECT sum(gross_revenue) FROM daily_sales_report"));
        Assert.Equal(expectedRevenue, await connection.ExecuteScalarAsync<decimal>("SELECT sum(amount_paid) FROM enrollments"));
        var current = generator.Courses.ToDictionary(c => c.CourseId, c => c.Price);
        foreach (var (id, price) in await connection.QueryAsync<(int, decimal)>("SELECT course_id, price FROM courses"))
            Assert.Equal(current[id], price);
        var next = await connection.ExecuteScalarAsync<int>("INSERT INTO courses (title, price) VALUES ('After the load', 1) RETURNING course_id");
        Assert.Equal(Small.Courses + 1, next);
    }

    [Fact]
    public async Task The_load_writes_exactly_the_rollups_a_rebuild_from_the_enrollments_computes()
    {
        await using var database = await TestDatabase.CreateAsync();
        var rows = DemoRows.Of(new DemoDataGenerator(Small, seed: 5, Until));
        string[] edges = ["2026-10-31T23:59:59.999999Z", "2026-11-01T00:00:00Z", "2026-10-15T13:44:59.999999Z", "2026-10-15T13:45:00Z",
                          "2026-02-28T23:59:59Z", "2026-03-01T00:00:00Z"];
        var students = edges.Select((_, i) => new GeneratedUser(Guid.NewGuid(), $"edge-{i}@example.com", "Student", Until.AddDays(-400))).ToList();
        var atEdges = edges.Select((at, i) => new GeneratedEnrollment(students[i].UserId, 1 + i % 2, 10.005m + i, DateTimeOffset.Parse(at, CultureInfo.InvariantCulture)));
        rows = rows with { Users = rows.Users.Concat(students), Enrollments = rows.Enrollments.Concat(atEdges) };

        await BulkLoader.LoadAsync(database.ConnectionString, rows, CancellationToken.None);
        await using var connection = await database.DataSource.OpenConnectionAsync();
        var loaded = await RollupRowsAsync(connection);
        await connection.ExecuteAsync("SELECT sales_rollups_rebuild()");

        Assert.Empty(await SalesRollups.VerifyAsync(connection, CancellationToken.None));
        Assert.Equal(await RollupRowsAsync(connection), loaded);
        Assert.Equal(Small.Enrollments + edges.Length, await connection.ExecuteScalarAsync<long>("SELECT enrollments FROM sales_total"));
    }

    [Fact]
    public async Task Loaded_price_changes_arrive_sealed_and_the_database_verifies_every_link_of_the_chain()
    {
        await using var database = await TestDatabase.CreateAsync();

        await BulkLoader.LoadAsync(database.ConnectionString, new DemoDataGenerator(Small, seed: 3, Until), CancellationToken.None);
        var verification = await new AuditChain(database.DataSource).VerifyAsync(CancellationToken.None);

        Assert.True(verification.Intact, verification.FirstBreak?.ToString());
        Assert.Equal((Small.PriceChanges, 0L, (long)Small.PriceChanges), (verification.Checked, verification.Unsealed, verification.SealedUpTo));
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await connection.ExecuteAsync("UPDATE courses SET price = price + 1 WHERE course_id = 1");
        Assert.Equal(Small.PriceChanges + 1, await connection.ExecuteScalarAsync<int>("SELECT max(log_id) FROM price_changes"));
    }

    [Fact]
    public async Task A_load_whose_rebuild_fails_leaves_empty_tables_with_every_index_and_constraint()
    {
        await using var database = await TestDatabase.CreateAsync();
        var indexesBefore = await SchemaSnapshot.IndexesAsync(database.ConnectionString);
        var constraintsBefore = await SchemaSnapshot.ConstraintsAsync(database.ConnectionString);
        var rows = DemoRows.Of(new DemoDataGenerator(Small, seed: 3, Until));
        var twice = rows with { Enrollments = rows.Enrollments.Concat(rows.Enrollments.Take(1)).ToList() };

        var error = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => BulkLoader.LoadAsync(database.ConnectionString, twice, CancellationToken.None));

        Assert.Equal("23505", error.SqlState);
        await using var connection = await database.DataSource.OpenConnectionAsync();
        Assert.Equal((0L, 0L, 0L, 0L, 0L), await connection.QuerySingleAsync<(long, long, long, long, long)>("""
            SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM courses), (SELECT count(*) FROM enrollments),
                   (SELECT count(*) FROM price_changes), (SELECT count(*) FROM bulk_load_pending)
            """));
        Assert.Equal(indexesBefore, await SchemaSnapshot.IndexesAsync(database.ConnectionString));
        Assert.Equal(constraintsBefore, await SchemaSnapshot.ConstraintsAsync(database.ConnectionString));
    }

    [Fact]
    public async Task What_an_interrupted_load_left_to_rebuild_is_finished_by_the_next_start()
    {
        await using var database = await TestDatabase.CreateAsync();
        var indexesBefore = await SchemaSnapshot.IndexesAsync(database.ConnectionString);
        var constraintsBefore = await SchemaSnapshot.ConstraintsAsync(database.ConnectionString);
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await connection.ExecuteAsync("""
            ALTER TABLE enrollments DROP CONSTRAINT enrollments_student_id_fkey;
            ALTER TABLE users DROP CONSTRAINT users_email_key;
            DROP INDEX enrollments_course_keyset;
            INSERT INTO users (email, role) VALUES ('loaded@example.com', 'Student');
            INSERT INTO bulk_load_pending (position, wave, statement) VALUES
                (1, 1, 'CREATE UNIQUE INDEX users_email_key ON public.users USING btree (email)'),
                (2, 1, 'CREATE INDEX enrollments_course_keyset ON public.enrollments USING btree (course_id, enrolled_at, enrollment_id)'),
                (3, 2, 'ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key'),
                (4, 3, 'ALTER TABLE enrollments ADD CONSTRAINT enrollments_student_id_fkey FOREIGN KEY (student_id) REFERENCES users(user_id) ON DELETE CASCADE');
            """);

        var finished = await BulkLoader.FinishInterruptedAsync(database.ConnectionString, CancellationToken.None);

        Assert.Equal(4, finished);
        Assert.Equal(indexesBefore, await SchemaSnapshot.IndexesAsync(database.ConnectionString));
        Assert.Equal(constraintsBefore, await SchemaSnapshot.ConstraintsAsync(database.ConnectionString));
        Assert.Equal((1L, 0L), await connection.QuerySingleAsync<(long, long)>("SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM bulk_load_pending)"));
        Assert.Equal(0, await BulkLoader.FinishInterruptedAsync(database.ConnectionString, CancellationToken.None));
    }

    [Fact]
    public async Task Loading_into_a_database_that_has_rows_is_refused_and_changes_nothing()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await connection.ExecuteAsync("INSERT INTO users (email, role) VALUES ('already@here.com', 'Student')");

        await Assert.ThrowsAsync<InvalidOperationException>(() => BulkLoader.LoadAsync(database.ConnectionString, new DemoDataGenerator(Small, 3, Until), CancellationToken.None));

        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM users"));
    }

    private static async Task<string?> RollupRowsAsync(NpgsqlConnection connection) => await connection.ExecuteScalarAsync<string>("""
        SELECT concat_ws(E'\n',
            (SELECT string_agg(x::text, ';' ORDER BY x::text) FROM sales_course x), (SELECT string_agg(x::text, ';' ORDER BY x::text) FROM sales_title x),
            (SELECT string_agg(x::text, ';' ORDER BY x::text) FROM sales_day x), (SELECT string_agg(x::text, ';' ORDER BY x::text) FROM sales_course_month x),
            (SELECT string_agg(x::text, ';') FROM sales_total x), (SELECT count(*)::text FROM sales_deltas))
        """);

    private static string Snapshot(DemoDataGenerator generator) => string.Join('\n',
        generator.Instructors.Concat(generator.Students()).Select(u => u.ToString())
            .Concat(generator.Courses.Select(c => c.ToString()))
            .Concat(generator.PriceChanges().Select(c => c.ToString()))
            .Concat(generator.Enrollments().Select(e => e.ToString())));
}
