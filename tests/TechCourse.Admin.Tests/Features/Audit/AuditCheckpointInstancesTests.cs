using System.Net;
using Dapper;
using TechCourse.Admin.Features.Audit;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Features.Audit;

// Two app instances on one database append checkpoints to one file, as the running app does every interval.
[Trait("Category", "Security")]
public sealed class AuditCheckpointInstancesTests
{
    [Fact]
    public async Task Two_instances_share_one_checkpoint_file_and_an_admin_is_told_when_the_log_stops_matching_it()
    {
        await using var database = await TestDatabase.CreateAsync();
        var (_, course) = await AuditTestData.InstructorWithCourseAsync(database.DataSource);
        var options = AuditTestData.TemporaryCheckpoints();
        var folder = Path.GetDirectoryName(options.File)!;
        var settings = new Dictionary<string, string>
        {
            ["Audit__CheckpointFile"] = options.File,
            ["Audit__CheckpointKeyFile"] = options.KeyFile,
            ["Audit__CheckpointIntervalSeconds"] = "1",
        };
        try
        {
            await using var first = await ExternalApp.StartAsync(database, settings);
            // Different intervals: with equal ones the two timers can keep the same phase against the sealer, and one
            // instance then always finds the other's checkpoint already covering the head.
            await using var second = await ExternalApp.StartAsync(database, new Dictionary<string, string>(settings) { ["Audit__CheckpointIntervalSeconds"] = "1.3" });
            var file = new AuditCheckpointFile(options);
            var changes = 0;
            await using (var connection = await database.DataSource.OpenConnectionAsync())
                await Eventually.WaitForAsync(async () =>
                {
                    await connection.ExecuteAsync("UPDATE courses SET price = price + 1 WHERE course_id = @course", new { course });
                    changes++;
                    return changes >= 40 && (await CheckpointsAsync(file, database)).Select(c => c.By).Distinct().Count() == 2;
                }, TimeSpan.FromSeconds(90), "checkpoints from both instances");
            await Eventually.WaitForAsync(async () => (await CheckpointsAsync(file, database)).LastOrDefault()?.Seq == changes, TimeSpan.FromSeconds(20), "a checkpoint of every entry");
            var checkpoints = await CheckpointsAsync(file, database);

            await using (var connection = await database.DataSource.OpenConnectionAsync())
                await connection.ExecuteAsync("BEGIN; SET LOCAL techcourse.audit_maintenance = 'on'; DELETE FROM price_changes WHERE seal_seq > @kept; COMMIT;", new { kept = changes - 5 });
            using var admin = await ExternalApp.SignedInClientAsync(first);
            string page = "";
            await Eventually.WaitForAsync(async () => (page = await admin.GetStringAsync(new Uri("/audit", UriKind.Relative))).Contains("integrity-problem", StringComparison.Ordinal),
                TimeSpan.FromSeconds(20), "the audit page to report the deleted entries");

            Assert.Empty((await file.ReadAllAsync(checkpoints[0].Database, CancellationToken.None)).BadLines);
            Assert.Equal(2, checkpoints.Select(c => c.By).Distinct().Count());
            Assert.Equal(checkpoints.Select(c => c.Seq).Order(), checkpoints.Select(c => c.Seq));
            Assert.Contains($"Entries #{changes - 4}…#{changes} are gone", WebUtility.HtmlDecode(page), StringComparison.Ordinal);
            Assert.Equal(changes, (await CheckpointsAsync(file, database)).Last().Seq);
        }
        finally
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<IReadOnlyList<AuditCheckpoint>> CheckpointsAsync(AuditCheckpointFile file, TestDatabase database)
    {
        if (!File.Exists(file.Options.File)) return [];
        await using var connection = await database.DataSource.OpenConnectionAsync();
        var identity = await connection.ExecuteScalarAsync<string>("SELECT (pg_control_system()).system_identifier::text || '/' || current_database()");
        using var gate = await file.LockAsync(CancellationToken.None);
        return (await file.ReadAllAsync(identity!, CancellationToken.None)).Checkpoints;
    }
}
