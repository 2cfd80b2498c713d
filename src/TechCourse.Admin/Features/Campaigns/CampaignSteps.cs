using Dapper;
using Npgsql;

namespace TechCourse.Admin.Features.Campaigns;

// What one step of a campaign did: apply (its start) or revert (its end), due at DueAt.
public sealed record CampaignStep(int CampaignId, string Step, DateTimeOffset DueAt, int Changed, int Skipped, int Kept);

// What one campaign's step came to among several run together: the step it ran (null: not due, or another scheduler
// has it), or the error the database refused it with (that step alone was undone).
public sealed record CampaignStepOutcome(int CampaignId, CampaignStep? Step, CampaignStepError? Error);

// Why the database refused a step: its SQLSTATE, the constraint it names (if any) and its message.
public sealed record CampaignStepError(string SqlState, string? ConstraintName, string Message);

// The scheduler's database work. Which campaign steps are due, and running them: price_campaign_run does one whole
// step as the campaign's creator (a session bound to the campaign, their rights of the moment), or nothing when the
// step is not due or another scheduler has it.
public sealed class CampaignSteps(NpgsqlDataSource dataSource)
{
    private const string RunSql = "SELECT campaign_id, step, due_at, changed, skipped, kept FROM price_campaign_run(@campaignId)";
    private const string RunEachSql = """
        SELECT campaign_id, step, due_at, changed, skipped, kept, error_state, error_constraint, error_message FROM price_campaign_run_each(@campaignIds)
        """;

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

    // One campaign's step in a statement of its own; a refusal is thrown.
    public async Task<CampaignStep?> RunAsync(int campaignId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<CampaignStep>(new CommandDefinition(RunSql, new { campaignId }, cancellationToken: ct));
    }

    // The steps of several campaigns in one statement (price_campaign_run_each), each in its own subtransaction: one
    // commit for all of them, and a step the database refuses is undone alone while the others stand. All or none of a
    // step, as on its own; a lost connection undoes them all, and a later round runs them again.
    public async Task<IReadOnlyList<CampaignStepOutcome>> RunAsync(IReadOnlyList<int> campaignIds, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<StepRow>(new CommandDefinition(RunEachSql, new { campaignIds = campaignIds.ToArray() }, cancellationToken: ct));
        return rows.Select(row => new CampaignStepOutcome(row.CampaignId,
                row.Step is { } step ? new CampaignStep(row.CampaignId, step, row.DueAt!.Value, row.Changed!.Value, row.Skipped!.Value, row.Kept!.Value) : null,
                row.ErrorState is { } state ? new CampaignStepError(state, row.ErrorConstraint, row.ErrorMessage ?? "") : null))
            .ToList();
    }

    private sealed record StepRow(int CampaignId, string? Step, DateTimeOffset? DueAt, int? Changed, int? Skipped, int? Kept,
        string? ErrorState, string? ErrorConstraint, string? ErrorMessage);
}
