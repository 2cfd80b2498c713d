using Dapper;
using TechCourse.Admin.Features.Audit;
using TechCourse.Admin.Features.Campaigns;
using TechCourse.Admin.Tests.Features.Campaigns;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Features.Audit;

// A campaign's entries carry its id inside the hash chain's canonical content; entries without one hash as before.
public sealed class CampaignAuditChainTests
{
    [Fact]
    public async Task An_entry_without_a_campaign_hashes_exactly_as_before_campaigns_existed()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var connection = await database.DataSource.OpenConnectionAsync();

        var (withNull, before) = await connection.QuerySingleAsync<(byte[], byte[])>("""
            SELECT price_change_hash('\x00'::bytea, 7, 3, 50, 40, '2026-01-01T00:00:00Z', NULL, 'app', 'why', NULL),
                   sha256('\x00'::bytea || convert_to(jsonb_build_array(7, 3, 50::numeric, 40::numeric,
                       extract(epoch FROM '2026-01-01T00:00:00Z'::timestamptz), NULL::uuid, 'app', 'why')::text, 'UTF8'))
            """);

        Assert.Equal(before, withNull);
    }

    [Fact]
    public async Task A_campaigns_entries_verify_and_removing_their_campaign_id_breaks_the_chain_at_the_first_of_them()
    {
        await using var database = await TestDatabase.CreateAsync();
        var data = new CampaignTestData(database);
        var ada = await data.InstructorAsync();
        var courses = await data.CoursesAsync(ada, 50m, 20m);
        var operation = new PriceOperation(PriceOperationKind.Percent, -10m);
        var preview = await data.Previews.PreviewAsync(ada, CourseSelection.Of(courses), operation, null, null, default);
        var applied = await data.Store.ApplyNowAsync(ada, preview, new CampaignPlan("Chain", operation, "UTC", null, null), default);
        var chain = new AuditChain(database.DataSource);
        Assert.True((await chain.VerifyAsync(default)).Intact);

        await using var connection = await database.DataSource.OpenConnectionAsync();
        var first = await connection.ExecuteScalarAsync<long>("SELECT min(seal_seq) FROM price_changes WHERE campaign_id = @id", new { id = applied.CampaignId });
        await connection.ExecuteAsync("""
            BEGIN; SET LOCAL techcourse.audit_maintenance = 'on'; UPDATE price_changes SET campaign_id = NULL WHERE campaign_id = @id; COMMIT;
            """, new { id = applied.CampaignId });
        var verification = await chain.VerifyAsync(default);

        Assert.False(verification.Intact);
        Assert.Equal(first, verification.FirstBreak!.SealSeq);
        Assert.Equal("its content no longer matches its hash (the entry was edited)", verification.FirstBreak.Problem);
    }

    [Fact]
    public async Task Sealing_cannot_change_an_entrys_campaign()
    {
        await using var database = await TestDatabase.CreateAsync();
        var data = new CampaignTestData(database);
        var ada = await data.InstructorAsync();
        var course = (await data.CoursesAsync(ada, 50m))[0];
        await data.People.ExecuteAsync("UPDATE courses SET price = 45 WHERE course_id = @course", new { course });
        await using var connection = await database.DataSource.OpenConnectionAsync();

        var error = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => connection.ExecuteAsync("""
            UPDATE price_changes SET seal_seq = 999999, prev_hash = '\x00', entry_hash = '\x00', campaign_id = 1 WHERE course_id = @course
            """, new { course }));

        Assert.Equal("42501", error.SqlState);
    }
}
