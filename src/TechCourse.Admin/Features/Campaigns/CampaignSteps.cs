using Dapper;
using Npgsql;

namespace TechCourse.Admin.Features.Campaigns;

// What one step of a campaign did: apply (its start) or revert (its end), due at DueAt.
public sealed record CampaignStep(int CampaignId, string Step, DateTimeOffset DueAt, int Changed, int Skipped, int Kept);

// The scheduler's database work. Which campaign steps are due, and running one: price_campaign_run does the whole
// step in one transaction as the campaign's creator (a session bound to the campaign, their rights of the moment),
// or nothing when the step is not due or another scheduler has it.
public sealed class CampaignSteps(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<int>> DueAsync(int limit, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<int>(new CommandDefinition("""
            SELECT campaign_id FROM price_campaigns WHERE next_due_at <= clock_timestamp() ORDER BY next_due_at, campaign_id LIMIT @limit
            """, new { limit }, cancellationToken: ct))).AsList();
    }

    // How long until the next step falls due (null: none is planned).
    public async Task<TimeSpan?> NextDueInAsync(CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var seconds = await connection.ExecuteScalarAsync<double?>(new CommandDefinition(
            "SELECT extract(epoch FROM min(next_due_at) - clock_timestamp())::float8 FROM price_campaigns WHERE next_due_at IS NOT NULL",
            cancellationToken: ct));
        return seconds is { } s ? TimeSpan.FromSeconds(Math.Max(0, s)) : null;
    }

    public async Task<CampaignStep?> RunAsync(int campaignId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<CampaignStep>(new CommandDefinition(
            "SELECT campaign_id, step, due_at, changed, skipped, kept FROM price_campaign_run(@campaignId)", new { campaignId }, cancellationToken: ct));
    }
}
