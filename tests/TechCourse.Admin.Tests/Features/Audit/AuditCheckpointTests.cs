using Dapper;
using Npgsql;
using TechCourse.Admin.Features.Audit;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Features.Audit;

// Issue 19, section 6: the attacks of a database owner on the hash chain, each against a chain pinned by signed
// checkpoints outside the database: which verification now reports, and which stay in the documented window.
public sealed class AuditCheckpointTests : IAsyncLifetime
{
    private readonly AuditCheckpointOptions options = AuditTestData.TemporaryCheckpoints();
    private TestDatabase database = null!;
    private int course;

    public async Task InitializeAsync()
    {
        database = await TestDatabase.CreateAsync();
        (_, course) = await AuditTestData.InstructorWithCourseAsync(database.DataSource);
    }

    public async Task DisposeAsync()
    {
        await database.DisposeAsync();
        if (Directory.Exists(Path.GetDirectoryName(options.File))) Directory.Delete(Path.GetDirectoryName(options.File)!, recursive: true);
    }

    private AuditIntegrity Integrity() => new(database.DataSource, new AuditChain(database.DataSource), new AuditCheckpointFile(options));

    // Price changes through the courses trigger, sealed into the chain (seal_seq 1, 2, … in order).
    private async Task ChangePricesAsync(int count)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync();
        for (var i = 0; i < count; i++)
            await connection.ExecuteAsync("UPDATE courses SET price = price + 1 WHERE course_id = @course", new { course });
        await new AuditChain(database.DataSource).SealAsync(CancellationToken.None);
    }

    private async Task<AuditCheckpoint> CheckpointAsync()
    {
        var outcome = await Integrity().CheckpointAsync(AuditCheckpoint.Interval, CancellationToken.None);
        Assert.Empty(outcome.Refused);
        return outcome.Written!;
    }

    private async Task AsOwnerAsync(string sql)
    {
        await using var connection = await database.DataSource.OpenConnectionAsync();
        await connection.ExecuteAsync($"BEGIN; SET LOCAL techcourse.audit_maintenance = 'on'; {sql}; COMMIT;");
    }

    // The attack that keeps the chain walk happy: every hash from the given entry on recomputed from its content.
    private const string RecomputeFrom = """
        DO $recompute$ DECLARE r record; h bytea; BEGIN
            SELECT coalesce((SELECT entry_hash FROM price_changes WHERE seal_seq = {0} - 1), (SELECT anchor_hash FROM price_change_chain_anchor)) INTO h;
            FOR r IN SELECT * FROM price_changes WHERE seal_seq >= {0} ORDER BY seal_seq LOOP
                h := price_change_hash(h, r.log_id, r.course_id, r.old_price, r.new_price, r.changed_at, r.changed_by, r.source, r.reason);
                UPDATE price_changes SET prev_hash = (SELECT coalesce((SELECT entry_hash FROM price_changes WHERE seal_seq = r.seal_seq - 1), (SELECT anchor_hash FROM price_change_chain_anchor))),
                                         entry_hash = h WHERE log_id = r.log_id;
            END LOOP;
        END $recompute$
        """;

    [Fact]
    public async Task Deleting_the_newest_entries_keeps_the_chain_intact_but_the_checkpoint_reports_exactly_which_are_gone()
    {
        await ChangePricesAsync(5);
        await CheckpointAsync();

        await AsOwnerAsync("DELETE FROM price_changes WHERE seal_seq >= 4");
        var report = await Integrity().VerifyAsync(CancellationToken.None);

        Assert.True(report.Chain.Intact);
        Assert.False(report.Intact);
        Assert.Contains(report.Problems, p => p.StartsWith("Entries #4…#5 are gone", StringComparison.Ordinal));
        Assert.Null(report.Written);
    }

    [Fact]
    public async Task Emptying_the_log_is_reported_with_how_many_entries_the_checkpoint_had_sealed()
    {
        await ChangePricesAsync(3);
        await CheckpointAsync();

        await AsOwnerAsync("TRUNCATE price_changes");
        var report = await Integrity().VerifyAsync(CancellationToken.None);

        Assert.True(report.Chain.Intact);
        Assert.Contains(report.Problems, p => p.StartsWith("The log was emptied: the checkpoint", StringComparison.Ordinal) && p.Contains("sealed 3 entries up to #3", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Editing_an_entry_and_recomputing_every_later_hash_is_reported_with_the_checkpoints_that_bound_the_rewrite()
    {
        await ChangePricesAsync(2);
        await CheckpointAsync();
        await ChangePricesAsync(4);
        await CheckpointAsync();

        await AsOwnerAsync("UPDATE price_changes SET new_price = 1 WHERE seal_seq = 4; " + string.Format(System.Globalization.CultureInfo.InvariantCulture, RecomputeFrom, 4));
        var report = await Integrity().VerifyAsync(CancellationToken.None);

        Assert.True(report.Chain.Intact);
        var problem = Assert.Single(report.Problems);
        Assert.StartsWith("The entry sealed as #6 no longer has the hash the checkpoint", problem, StringComparison.Ordinal);
        Assert.Contains("an entry after #2 (which still matches the checkpoint", problem, StringComparison.Ordinal);
        Assert.Contains("and up to #6 was rewritten", problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Deleting_the_oldest_entries_and_moving_the_anchor_is_reported_unless_the_archive_verb_did_it()
    {
        await ChangePricesAsync(4);
        await CheckpointAsync();

        await AsOwnerAsync("""
            UPDATE price_change_chain_anchor SET anchor_seq = 2, anchor_hash = (SELECT entry_hash FROM price_changes WHERE seal_seq = 2);
            DELETE FROM price_changes WHERE seal_seq <= 2
            """);
        var report = await Integrity().VerifyAsync(CancellationToken.None);

        Assert.True(report.Chain.Intact);
        Assert.Contains(report.Problems, p => p.StartsWith("Entries #1…#2 left the start of the chain", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_archive_verb_checkpoints_the_anchor_it_moves_so_verification_accepts_the_archive()
    {
        for (var i = 0; i < 2; i++) await AuditTestData.LogAsync(database.DataSource, course, 10 + i, 11 + i, DateTimeOffset.UtcNow.AddYears(-5).AddDays(i));
        await ChangePricesAsync(2);
        await CheckpointAsync();
        var file = Path.Combine(Path.GetDirectoryName(options.File)!, "archive.csv");
        var output = new StringWriter();
        var error = new StringWriter();

        var archived = await AuditCommands.ArchiveAsync(database.ConnectionString, options, 3, file, output, error, CancellationToken.None);
        var report = await Integrity().VerifyAsync(CancellationToken.None);

        Assert.True(archived == 0, error.ToString());
        Assert.True(report.Intact, string.Join(Environment.NewLine, AuditCommands.Describe(report)));
        Assert.Equal(AuditCheckpoint.Verify, report.Written?.Why);
        Assert.Equal(2, report.Newest!.AnchorSeq);
    }

    [Fact]
    public async Task An_entry_forged_by_the_owner_is_sealed_like_any_other_and_stays_undetected()
    {
        var (instructor, _) = await AuditTestData.InstructorWithCourseAsync(database.DataSource);
        await ChangePricesAsync(2);
        await CheckpointAsync();

        await AsOwnerAsync($"INSERT INTO price_changes (course_id, old_price, new_price, changed_by, source) VALUES ({course}, 52, 1, '{instructor}', 'app')");
        var report = await Integrity().VerifyAsync(CancellationToken.None);

        // In the documented window: appending is what the log is for, and the owner can append like the trigger does.
        Assert.True(report.Intact);
        Assert.Equal(3, report.Chain.SealedUpTo);
    }

    [Fact]
    public async Task Rewriting_an_entry_before_it_is_sealed_stays_undetected()
    {
        await ChangePricesAsync(2);
        await CheckpointAsync();
        await using (var connection = await database.DataSource.OpenConnectionAsync())
            await connection.ExecuteAsync("UPDATE courses SET price = price + 1 WHERE course_id = @course", new { course });

        await AsOwnerAsync("UPDATE price_changes SET new_price = 1, reason = 'rewritten' WHERE seal_seq IS NULL");
        var report = await Integrity().VerifyAsync(CancellationToken.None);

        // In the documented window: nothing has hashed the entry yet, so there is nothing it could contradict.
        Assert.True(report.Intact);
        Assert.Equal("rewritten", await database.DataSource.CreateCommand("SELECT reason FROM price_changes WHERE seal_seq = 3").ExecuteScalarAsync());
    }

    [Fact]
    public async Task Rewriting_entries_sealed_after_the_newest_checkpoint_stays_undetected_until_the_next_one_is_written()
    {
        await ChangePricesAsync(2);
        await CheckpointAsync();
        await ChangePricesAsync(2);

        await AsOwnerAsync("UPDATE price_changes SET new_price = 1 WHERE seal_seq = 4; " + string.Format(System.Globalization.CultureInfo.InvariantCulture, RecomputeFrom, 4));
        var report = await Integrity().VerifyAsync(CancellationToken.None);

        // In the documented window: the checkpoint pins #2; #3 and #4 were only ever vouched for by the database.
        Assert.True(report.Intact);
    }

    [Fact]
    public async Task A_checkpoint_line_edited_in_the_file_is_reported_and_not_trusted()
    {
        await ChangePricesAsync(3);
        await CheckpointAsync();
        var line = (await File.ReadAllLinesAsync(options.File)).Single();
        await File.WriteAllTextAsync(options.File, line.Replace("\"seq\":3", "\"seq\":2", StringComparison.Ordinal) + "\n");

        var report = await Integrity().VerifyAsync(CancellationToken.None);

        Assert.False(report.Intact);
        Assert.Contains(report.Problems, p => p.StartsWith("Line 1 of the checkpoint file cannot be trusted: its signature does not match", StringComparison.Ordinal));
        Assert.Null(report.Newest);
    }

    [Fact]
    public async Task A_checkpoint_is_written_only_when_the_chain_grew_and_never_over_a_chain_that_lost_entries()
    {
        await ChangePricesAsync(3);
        await CheckpointAsync();

        var unchanged = await Integrity().CheckpointAsync(AuditCheckpoint.Interval, CancellationToken.None);
        await AsOwnerAsync("DELETE FROM price_changes WHERE seal_seq = 3");
        await ChangePricesAsync(1);
        var refused = await Integrity().CheckpointAsync(AuditCheckpoint.Interval, CancellationToken.None);

        Assert.Equal((null, 0), (unchanged.Written, unchanged.Refused.Count));
        Assert.Null(refused.Written);
        Assert.Contains(refused.Refused, p => p.StartsWith("The entry sealed as #3 no longer has the hash", StringComparison.Ordinal));
        Assert.Single(await File.ReadAllLinesAsync(options.File));
    }

    [Fact]
    public async Task A_verification_that_holds_writes_a_checkpoint_of_what_it_verified()
    {
        await ChangePricesAsync(2);

        var first = await Integrity().VerifyAsync(CancellationToken.None);
        await ChangePricesAsync(1);
        var second = await Integrity().VerifyAsync(CancellationToken.None);

        Assert.True(first.Intact);
        Assert.Contains(first.Notes, n => n.Contains("nothing outside the database vouched for the chain", StringComparison.Ordinal));
        Assert.Equal((2L, AuditCheckpoint.Verify), (first.Written!.Seq, first.Written.Why));
        Assert.Equal(2, second.Newest!.Seq);
        Assert.Equal(3, second.Written!.Seq);
        Assert.Equal(2, (await File.ReadAllLinesAsync(options.File)).Length);
    }

    [Fact]
    public async Task Many_writers_appending_at_once_each_leave_one_whole_signed_line()
    {
        await ChangePricesAsync(1);
        var head = await CheckpointAsync();

        // Separate instances open the file separately, as separate app processes do: only the lock keeps them apart.
        await Task.WhenAll(Enumerable.Range(0, 8).Select(writer => Task.Run(async () =>
        {
            var file = new AuditCheckpointFile(options);
            for (var i = 0; i < 25; i++)
            {
                using var gate = await file.LockAsync(CancellationToken.None);
                await file.AppendAsync(head with { By = $"writer-{writer}-{i}", At = DateTimeOffset.UtcNow }, CancellationToken.None);
            }
        })));
        var log = await new AuditCheckpointFile(options).ReadAllAsync(head.Database, CancellationToken.None);

        Assert.Empty(log.BadLines);
        Assert.Equal(201, log.Checkpoints.Count);
        Assert.Equal(200, log.Checkpoints.Select(c => c.By).Where(b => b.StartsWith("writer-", StringComparison.Ordinal)).Distinct().Count());
    }

    [Fact]
    public async Task The_key_and_the_checkpoint_file_are_made_readable_by_their_owner_only()
    {
        if (OperatingSystem.IsWindows()) return; // Unix file modes
        await ChangePricesAsync(1);
        await CheckpointAsync();

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(options.KeyFile));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(options.File));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(options.File)!));
    }

    [Fact]
    public async Task The_audit_verify_verb_reports_a_deleted_tail_and_exits_with_3()
    {
        await ChangePricesAsync(3);
        await CheckpointAsync();
        await AsOwnerAsync("DELETE FROM price_changes WHERE seal_seq = 3");
        var output = new StringWriter();

        var exit = await AuditCommands.VerifyAsync(database.ConnectionString, options, seal: true, output, CancellationToken.None);

        Assert.Equal(3, exit);
        Assert.StartsWith("Audit log NOT intact", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("Entries #3…#3 are gone", output.ToString(), StringComparison.Ordinal);
    }
}
