using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using TechCourse.Admin.Features.Sales;
using TechCourse.Admin.Infrastructure.Cli;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Features.Sales;

[Collection("console output")]
public sealed class SalesRollupTests
{
    [Fact]
    public async Task Rollups_stay_exact_under_parallel_inserts_amount_corrections_deletes_and_a_cascading_user_delete()
    {
        await using var database = await TestDatabase.CreateAsync();
        var instructor = await SalesData.UserAsync(database.DataSource, "Instructor");
        var courses = new List<int>();
        for (var i = 0; i < 6; i++) courses.Add(await SalesData.CourseAsync(database.DataSource, instructor, $"Course {i % 4}"));
        var departing = await SalesData.UserAsync(database.DataSource);
        foreach (var course in courses) await SalesData.EnrollAsync(database.DataSource, course, 12.34m, DateTimeOffset.UtcNow.AddDays(-3), departing);
        var start = DateTimeOffset.Parse("2026-03-28T20:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

        async Task WriterAsync(int writer)
        {
            var random = new Random(writer);
            await using var connection = await database.DataSource.OpenConnectionAsync();
            for (var step = 0; step < 60; step++)
            {
                // Two multi-row transactions that share a slot can deadlock on the rollup rows like on any rows:
                // PostgreSQL aborts one whole transaction and the writer retries it, as the app does (40P01).
                for (var attempt = 1; ; attempt++)
                {
                    try
                    {
                        await WriteStepAsync(connection, random, writer, step);
                        break;
                    }
                    catch (PostgresException e) when (e.SqlState is "40P01" && attempt < 10)
                    {
                    }
                }
            }
        }

        async Task WriteStepAsync(NpgsqlConnection connection, Random random, int writer, int step)
        {
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
            }
        }

        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(() => WriterAsync(w))).ToList();
        await using (var connection = await database.DataSource.OpenConnectionAsync())
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await connection.ExecuteAsync("DELETE FROM users WHERE user_id = @departing", new { departing });
                    break;
                }
                catch (PostgresException e) when (e.SqlState is "40P01" && attempt < 10)
                {
                }
            }
        }
        await Task.WhenAll(writers);

        await using var check = await database.DataSource.OpenConnectionAsync();
        Assert.Empty(await SalesRollups.VerifyAsync(check, CancellationToken.None));
        Assert.True(await check.ExecuteScalarAsync<long>("SELECT count(DISTINCT slot) FROM sales_by_day") > 1, "parallel writers should have used several slots");
        var plain = await check.QueryAsync<(string, long, decimal)>("SELECT c.title, count(e.enrollment_id), sum(e.amount_paid) FROM courses c JOIN enrollments e ON c.course_id = e.course_id GROUP BY c.title ORDER BY 1");
        Assert.Equal(plain, await check.QueryAsync<(string, long, decimal)>("SELECT * FROM daily_sales_report ORDER BY 1"));
        Assert.Equal(0L, await check.ExecuteScalarAsync<long>("SELECT count(*) FROM enrollments WHERE student_id = @departing", new { departing }));
    }

    [Fact]
    public async Task Verify_reports_each_difference_and_fails_and_rebuild_repairs_the_rollups()
    {
        await using var database = await TestDatabase.CreateAsync();
        var course = await SalesData.CourseAsync(database.DataSource, null);
        await SalesData.EnrollAsync(database.DataSource, course, 19.99m, DateTimeOffset.Parse("2026-05-01T10:20:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using (var connection = await database.DataSource.OpenConnectionAsync())
            await connection.ExecuteAsync("UPDATE sales_by_course SET gross_revenue = gross_revenue + 1; UPDATE sales_by_day SET running_enrollments[50] = running_enrollments[50] + 1");

        var (verifyExit, report) = await RunAsync(database, "rollups", "verify");
        var (rebuildExit, _) = await RunAsync(database, "rollups", "rebuild");
        var (secondVerify, secondReport) = await RunAsync(database, "rollups", "verify");

        Assert.Equal(1, verifyExit);
        Assert.Contains($"course {course}: expected 1 / 19.99, rollup has 1 / 20.99", report, StringComparison.Ordinal);
        Assert.Contains("quarter hour 2026-05-01 12:15 UTC: expected none / none, rollup has 1 / 0.00", report, StringComparison.Ordinal);
        Assert.Equal((0, 0), (rebuildExit, secondVerify));
        Assert.Contains("0 differences", secondReport, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Truncating_enrollments_empties_the_rollups()
    {
        await using var database = await TestDatabase.CreateAsync();
        var course = await SalesData.CourseAsync(database.DataSource, null);
        await SalesData.EnrollAsync(database.DataSource, course, 5m, DateTimeOffset.UtcNow);
        await using var connection = await database.DataSource.OpenConnectionAsync();

        await connection.ExecuteAsync("TRUNCATE enrollments");

        Assert.Equal(0L, await connection.ExecuteScalarAsync<long>("SELECT (SELECT count(*) FROM sales_by_course) + (SELECT count(*) FROM sales_by_day)"));
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
