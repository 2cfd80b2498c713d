using Dapper;
using Npgsql;
using TechCourse.Admin.Features.Audit;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Features.Audit;

public sealed class AuditLogIntegrityTests
{
    [Theory]
    [InlineData("UPDATE price_changes SET new_price = 0")]
    [InlineData("DELETE FROM price_changes")]
    [InlineData("TRUNCATE price_changes")]
    public async Task The_owner_cannot_edit_or_erase_the_log_without_the_maintenance_setting(string sql)
    {
        await using var database = await TestDatabase.CreateAsync();
        var (_, course) = await AuditTestData.InstructorWithCourseAsync(database.DataSource);
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await connection.ExecuteAsync("UPDATE courses SET price = 60 WHERE course_id = @course", new { course });

        var error = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(sql));

        Assert.Equal("42501", error.SqlState);
        Assert.Contains("append-only", error.MessageText, StringComparison.Ordinal);
        Assert.Equal(60m, await connection.ExecuteScalarAsync<decimal>("SELECT new_price FROM price_changes WHERE course_id = @course", new { course }));
    }

    [Fact]
    public async Task The_maintenance_setting_lasts_only_for_its_own_transaction()
    {
        await using var database = await TestDatabase.CreateAsync();
        var (_, course) = await AuditTestData.InstructorWithCourseAsync(database.DataSource);
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await connection.ExecuteAsync("UPDATE courses SET price = 60 WHERE course_id = @course", new { course });

        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await connection.ExecuteAsync("SET LOCAL techcourse.audit_maintenance = 'on'; UPDATE price_changes SET reason = 'fixed'", transaction: transaction);
            await transaction.CommitAsync();
        }
        var error = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync("UPDATE price_changes SET reason = 'again'"));

        Assert.Equal("42501", error.SqlState);
        Assert.Equal("fixed", await connection.ExecuteScalarAsync<string>("SELECT reason FROM price_changes WHERE course_id = @course", new { course }));
    }

    [Fact]
    public async Task Editing_a_middle_entry_as_superuser_is_reported_at_exactly_that_entry()
    {
        await using var database = await TestDatabase.CreateAsync();
        var (_, course) = await AuditTestData.InstructorWithCourseAsync(database.DataSource);
        await using var connection = await database.DataSource.OpenConnectionAsync();
        foreach (var price in new[] { 51m, 52m, 53m, 54m, 55m })
            await connection.ExecuteAsync("UPDATE courses SET price = @price WHERE course_id = @course", new { price, course });
        var chain = new AuditChain(database.DataSource);
        Assert.True((await chain.VerifyAsync(CancellationToken.None)).Intact);
        var middle = await connection.QuerySingleAsync<(int LogId, long SealSeq)>(
            "SELECT log_id, seal_seq FROM price_changes WHERE course_id = @course AND new_price = 53", new { course });

        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await connection.ExecuteAsync("SET LOCAL techcourse.audit_maintenance = 'on'; UPDATE price_changes SET new_price = 5.30 WHERE log_id = @LogId",
                new { middle.LogId }, transaction);
            await transaction.CommitAsync();
        }
        var result = await chain.VerifyAsync(CancellationToken.None);

        Assert.False(result.Intact);
        Assert.Equal((middle.SealSeq, middle.LogId), (result.FirstBreak!.SealSeq, result.FirstBreak.LogId));
        Assert.Contains("edited", result.FirstBreak.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_an_entry_as_superuser_is_reported_at_the_entry_after_the_gap()
    {
        await using var database = await TestDatabase.CreateAsync();
        var (_, course) = await AuditTestData.InstructorWithCourseAsync(database.DataSource);
        await using var connection = await database.DataSource.OpenConnectionAsync();
        foreach (var price in new[] { 51m, 52m, 53m })
            await connection.ExecuteAsync("UPDATE courses SET price = @price WHERE course_id = @course", new { price, course });
        var chain = new AuditChain(database.DataSource);
        await chain.SealAsync(CancellationToken.None);
        var last = await connection.QuerySingleAsync<int>("SELECT log_id FROM price_changes WHERE new_price = 53");

        await connection.ExecuteAsync("BEGIN; SET LOCAL techcourse.audit_maintenance = 'on'; DELETE FROM price_changes WHERE new_price = 52; COMMIT;");
        var result = await chain.VerifyAsync(CancellationToken.None);

        Assert.Equal(last, result.FirstBreak?.LogId);
        Assert.Contains("missing", result.FirstBreak!.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_price_changes_from_several_connections_form_one_chain_without_gaps()
    {
        await using var database = await TestDatabase.CreateAsync();
        var courses = new List<int>();
        for (var i = 0; i < 8; i++) courses.Add((await AuditTestData.InstructorWithCourseAsync(database.DataSource)).Course);
        var chain = new AuditChain(database.DataSource);
        using var stop = new CancellationTokenSource();
        var sealer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested) { await chain.SealAsync(CancellationToken.None); await Task.Delay(20); }
        });

        await Task.WhenAll(courses.Select(course => Task.Run(async () =>
        {
            await using var connection = await database.DataSource.OpenConnectionAsync();
            for (var n = 1; n <= 40; n++)
                await connection.ExecuteAsync("UPDATE courses SET price = @price WHERE course_id = @course", new { price = 50m + n, course });
        })));
        stop.Cancel();
        await sealer;
        var result = await chain.VerifyAsync(CancellationToken.None);

        await using var check = await database.DataSource.OpenConnectionAsync();
        var (entries, sealedCount, minSeq, maxSeq) = await check.QuerySingleAsync<(long, long, long, long)>(
            "SELECT count(*), count(seal_seq), min(seal_seq), max(seal_seq) FROM price_changes");
        Assert.True(result.Intact, result.FirstBreak?.Problem);
        Assert.Equal((320L, 320L, 1L, 320L, 0L), (entries, sealedCount, minSeq, maxSeq, result.Unsealed));
        Assert.Equal(320L, result.Checked);
    }

    [Fact]
    public async Task Archiving_old_entries_writes_them_with_their_hashes_and_what_remains_still_verifies()
    {
        await using var database = await TestDatabase.CreateAsync();
        var (_, course) = await AuditTestData.InstructorWithCourseAsync(database.DataSource);
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < 5; i++) await AuditTestData.LogAsync(database.DataSource, course, 10 + i, 11 + i, now.AddYears(-5).AddDays(i));
        for (var i = 0; i < 3; i++) await AuditTestData.LogAsync(database.DataSource, course, 20 + i, 21 + i, now.AddDays(-i - 1));
        var file = Path.Combine(Path.GetTempPath(), $"audit-archive-{Guid.NewGuid():N}.csv");
        try
        {
            var result = await AuditArchive.RunAsync(database.ConnectionString, 3, file, CancellationToken.None);

            Assert.Equal(5, result.Archived);
            var lines = await File.ReadAllLinesAsync(file);
            Assert.Equal(6, lines.Length);
            Assert.StartsWith("seal_seq,log_id", lines[0], StringComparison.Ordinal);
            Assert.EndsWith(result.AnchorHash!, lines[^1], StringComparison.Ordinal);
            var after = await new AuditChain(database.DataSource).VerifyAsync(CancellationToken.None);
            Assert.True(after.Intact, after.FirstBreak?.Problem);
            Assert.Equal((3L, 5L), (after.Checked, after.AnchorSeq));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
