using Dapper;
using Npgsql;

namespace TechCourse.Admin.Infrastructure.Auth;

public static class ActorTransactions
{
    /// Every write runs in a transaction that first tells the database who acts (transaction-local, so it is safe
    /// under PgBouncer's transaction pooling); row-level security and the audit trigger read it back.
    public static async Task<NpgsqlTransaction> BeginAsActorAsync(this NpgsqlConnection connection, Actor actor, CancellationToken ct)
    {
        var transaction = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(
            "SELECT set_config('app.user_id', @userId, true), set_config('app.role', @role, true)",
            new { userId = actor.UserId.ToString(), role = actor.Role }, transaction, cancellationToken: ct));
        return transaction;
    }
}
