using Dapper;
using Npgsql;
using TechCourse.Admin.Features.Campaigns;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Tests.Features.Campaigns;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Security;

// The scheduler acts for a campaign's creator without their browser. Holding only the runtime login's password must
// still not let anyone act as a staff member: the session a campaign's step opens exists only for a due step, only in
// that step's transaction, and lets it change only that campaign's courses to that campaign's prices.
public sealed class CampaignSessionTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>, IAsyncLifetime
{
    private readonly CampaignTestData data = new(database.Database);
    private string runtime = "";
    private Actor admin = null!;
    private int adminsOtherCourse;
    private int campaignCourse;
    private int campaign;

    public async Task InitializeAsync()
    {
        runtime = await ExternalApp.CreateRuntimeLoginAsync(database.ConnectionString);
        admin = await data.AdminAsync();
        var ada = await data.InstructorAsync();
        campaignCourse = await data.People.CourseAsync(ada.UserId, 40m);
        adminsOtherCourse = await data.People.CourseAsync(ada.UserId, 60m);
        campaign = await data.ScheduleAsync(admin, [campaignCourse], new PriceOperation(PriceOperationKind.Set, 10m), "Admin's sale");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_step_that_is_not_due_opens_no_session()
    {
        await using var connection = await OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();

        Assert.Null(await connection.ExecuteScalarAsync<string?>("SELECT price_campaign_claim(@campaign)", new { campaign }, transaction));
        Assert.Null(await connection.ExecuteScalarAsync<Guid?>("SELECT app_user_id()", transaction: transaction));
        Assert.Empty(await connection.QueryAsync("SELECT * FROM price_campaign_run(@campaign)", new { campaign }, transaction));
    }

    [Theory]
    [InlineData("UPDATE courses SET price = 1 WHERE course_id = @adminsOtherCourse")]
    [InlineData("UPDATE courses SET price = 11 WHERE course_id = @campaignCourse")]
    [InlineData("UPDATE courses SET title = 'taken over' WHERE course_id = @campaignCourse")]
    [InlineData("UPDATE courses SET price = 10, is_published = false WHERE course_id = @campaignCourse")]
    [InlineData("INSERT INTO courses (instructor_id, title, price) VALUES (app_user_id(), 'planted', 1)")]
    [InlineData("SELECT create_user('planted@example.com', 'Admin')")]
    [InlineData("SELECT change_user_role(app_user_id(), 'Admin')")]
    [InlineData("SELECT price_campaign_create('planted', 'set', 1, NULL, 'UTC', now() + interval '1 hour', NULL, ARRAY[@adminsOtherCourse], NULL)")]
    [InlineData("SELECT price_campaign_cancel(@campaign, NULL)")]
    public async Task With_only_the_runtime_password_a_due_steps_session_does_nothing_but_the_step(string sql)
    {
        await data.StartDueAsync(campaign);
        await using var connection = await OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        Assert.Equal("apply", await connection.ExecuteScalarAsync<string>("SELECT price_campaign_claim(@campaign)", new { campaign }, transaction));

        var error = await Assert.ThrowsAnyAsync<PostgresException>(() => connection.ExecuteAsync(sql, new { campaign, campaignCourse, adminsOtherCourse }, transaction));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
        await transaction.RollbackAsync();
        Assert.Equal((40m, 60m), (await data.PriceAsync(campaignCourse), await data.PriceAsync(adminsOtherCourse)));
    }

    [Fact]
    public async Task A_due_steps_session_cannot_delete_a_course_nor_sign_its_user_out()
    {
        await data.StartDueAsync(campaign);
        await using var connection = await OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteScalarAsync<string>("SELECT price_campaign_claim(@campaign)", new { campaign }, transaction);

        Assert.Equal(0, await connection.ExecuteAsync("DELETE FROM courses WHERE course_id = @adminsOtherCourse", new { adminsOtherCourse }, transaction));
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT session_end(current_setting('app.session'), true)", transaction: transaction));
        Assert.Empty(await connection.QueryAsync("SELECT * FROM session_check(current_setting('app.session'), '1 minute')", transaction: transaction));
        await transaction.CommitAsync();
        Assert.Equal(0L, await data.People.ScalarAsync<long>("SELECT count(*) FROM sessions WHERE user_id = @id AND ended_at IS NOT NULL AND campaign_id IS NULL", new { id = admin.UserId }));
    }

    [Fact]
    public async Task Naming_a_campaign_in_app_campaign_labels_nothing_as_the_campaigns()
    {
        await using var connection = await OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync("SELECT set_config('app.session', @session, true), set_config('app.campaign', @campaign, true)",
            new { session = admin.Session, campaign = campaign.ToString(System.Globalization.CultureInfo.InvariantCulture) }, transaction);

        var error = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync("UPDATE courses SET price = 10 WHERE course_id = @campaignCourse", new { campaignCourse }, transaction));

        Assert.Equal("price_campaign_step", error.ConstraintName);
    }

    [Fact]
    public async Task Without_a_signed_in_session_no_campaign_can_be_created()
    {
        await using var connection = await OpenAsync();

        var error = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(
            "SELECT price_campaign_create('planted', 'set', 1, NULL, 'UTC', now() + interval '1 hour', NULL, ARRAY[@adminsOtherCourse], NULL)", new { adminsOtherCourse }));

        Assert.Equal("price_campaigns_actor", error.ConstraintName);
    }

    [Theory]
    [InlineData("INSERT INTO price_campaigns (reason, operation, amount, created_by, time_zone, starts_at, state, next_due_at) SELECT 'x', 'set', 1, user_id, 'UTC', now(), 'scheduled', now() FROM users LIMIT 1")]
    [InlineData("UPDATE price_campaigns SET next_due_at = now(), starts_at = now()")]
    [InlineData("UPDATE price_campaign_courses SET state = 'pending'")]
    [InlineData("SELECT price_campaign_open_step(@campaign, 'apply', (SELECT created_by FROM price_campaigns WHERE campaign_id = @campaign))")]
    [InlineData("SELECT * FROM app_session_actor()")]
    public async Task The_runtime_login_cannot_write_campaigns_or_open_a_step_itself(string sql)
    {
        await using var connection = await OpenAsync();

        var error = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(sql, new { campaign }));

        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState);
    }

    [Fact]
    public async Task The_step_run_through_the_runtime_login_is_the_scheduled_change_exactly()
    {
        await data.StartDueAsync(campaign);
        await using var connection = await OpenAsync();

        var step = await connection.QuerySingleAsync<CampaignStep>("SELECT campaign_id, step, due_at, changed, skipped, kept FROM price_campaign_run(@campaign)", new { campaign });

        Assert.Equal(("apply", 1), (step.Step, step.Changed));
        Assert.Equal((10m, 60m), (await data.PriceAsync(campaignCourse), await data.PriceAsync(adminsOtherCourse)));
        var change = Assert.Single(await data.ChangesAsync(campaignCourse));
        Assert.Equal((admin.UserId, "schedule", "Admin's sale"), (change.ChangedBy!.Value, change.Source, change.Reason));
    }

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(runtime);
        await connection.OpenAsync();
        return connection;
    }
}
