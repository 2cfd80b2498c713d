using Dapper;
using Npgsql;

namespace TechCourse.Admin.Infrastructure.Auth;

public static class ActorTransactions
{
    private static readonly string ActorSettings = ActorSettingsSql("@actorSession", "@actorReason");
    private static readonly string PositionalActorSettings = ActorSettingsSql("$1", "$2");

    // app.session names the actor's live session; the database resolves it (app_user_id(), app_user_role()) at write time.
    private static string ActorSettingsSql(string session, string reason) =>
        $"SELECT set_config('app.session', {session}, true), set_config('app.change_reason', {reason}, true)";

    private static (string Session, string Reason) ActorValues(Actor actor, string? reason) => (actor.Session ?? "", reason?.Trim() ?? "");

    // Every write runs in a transaction that first tells the database whose session acts (transaction-local, so it is
    // safe under PgBouncer's transaction pooling); row-level security and the audit trigger resolve it.
    public static async Task<NpgsqlTransaction> BeginAsActorAsync(this NpgsqlConnection connection, Actor actor, CancellationToken ct)
    {
        var transaction = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition(ActorSettings, ActorParameters(actor, reason: null), transaction, cancellationToken: ct));
        return transaction;
    }

    private static DynamicParameters ActorParameters(Actor actor, string? reason, object? args = null)
    {
        var (session, why) = ActorValues(actor, reason);
        var parameters = new DynamicParameters(args);
        parameters.Add("actorSession", session);
        parameters.Add("actorReason", why);
        return parameters;
    }

    // The same guarantees in one round trip: the actor's settings and the write's statement(s) go out as one batch
    // with a single Sync and no BEGIN, which PostgreSQL runs as one implicit transaction. The settings are
    // transaction-local, so the write sees them and the connection no longer has them afterwards; an error in any
    // statement rolls back all of it. The caller reads the write's results from the grid, in order, to the last one:
    // a statement's error is thrown when the reader reaches it.
    public static async Task<SqlMapper.GridReader> WriteAsActorAsync(this NpgsqlConnection connection, Actor actor, string sql, object? args,
        CancellationToken ct, string? reason = null)
    {
        var grid = await connection.QueryMultipleAsync(new CommandDefinition(ActorSettings + ";\n" + sql, ActorParameters(actor, reason, args), cancellationToken: ct));
        try
        {
            await grid.ReadAsync();
            return grid;
        }
        catch
        {
            await grid.DisposeAsync();
            throw;
        }
    }

    // WriteAsActorAsync for a write that runs many times a second: when prepare is true (PreparedWrites), the settings
    // and the write are prepared on the physical connection once (Npgsql keeps them across pooled opens; the pool never
    // sends DISCARD ALL), so the server neither parses nor plans them again. Only for statements whose generic plan is
    // as good as a custom one: a write by primary key, not a search. The write's parameters are positional ($1, $2, …).
    public static async Task<T> WriteBatchAsActorAsync<T>(this NpgsqlConnection connection, Actor actor, string? reason,
        NpgsqlBatchCommand write, bool prepare, Func<NpgsqlDataReader, CancellationToken, Task<T>> read, CancellationToken ct)
    {
        var (session, why) = ActorValues(actor, reason);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand(PositionalActorSettings)
                {
                    Parameters =
                    {
                        new NpgsqlParameter<string> { TypedValue = session },
                        new NpgsqlParameter<string> { TypedValue = why },
                    },
                },
                write,
            },
        };
        if (prepare) await batch.PrepareAsync(ct);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.NextResultAsync(ct);
        return await read(reader, ct);
    }
}
