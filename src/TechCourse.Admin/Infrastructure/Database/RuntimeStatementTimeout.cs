using Dapper;
using Npgsql;

namespace TechCourse.Admin.Infrastructure.Database;

// Database:StatementTimeoutSeconds as the runtime login's own default in its database (ALTER ROLE CURRENT_USER IN
// DATABASE … SET statement_timeout), which every new server session of that login starts with, whether it comes
// directly or through PgBouncer (which refuses a startup option). A login may set its own defaults; nothing else
// changes. Not when the runtime login is the schema owner's: migrations and bulk loads must not be stopped by it.
public static class RuntimeStatementTimeout
{
    public enum Outcome { AlreadySet, Set, OwnerLogin, ReadOnly }

    public static bool SharesOwnerLogin(DatabaseConnections connections) =>
        string.Equals(new NpgsqlConnectionStringBuilder(connections.Runtime).Username, new NpgsqlConnectionStringBuilder(connections.Migrations).Username, StringComparison.Ordinal);

    public static async Task<Outcome> EnsureAsync(NpgsqlDataSource runtime, int seconds, CancellationToken ct)
    {
        await using var connection = await runtime.OpenConnectionAsync(ct);
        var wanted = seconds > 0 ? $"statement_timeout={seconds}s" : null;
        var current = await connection.ExecuteScalarAsync<string?>(new CommandDefinition("""
            SELECT s FROM pg_db_role_setting d, unnest(d.setconfig) s
            WHERE d.setrole = (SELECT oid FROM pg_roles WHERE rolname = current_user)
              AND d.setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND s LIKE 'statement_timeout=%'
            """, cancellationToken: ct));
        if (current == wanted) return Outcome.AlreadySet;
        var change = wanted is null ? "RESET statement_timeout" : $"SET statement_timeout = ''{seconds}s''";
        try
        {
            // The session that sets the default gets the value too: it was opened before the default existed, and a
            // pooler keeps its server session for other clients.
            var now = wanted is null ? "RESET statement_timeout" : $"SET statement_timeout = '{seconds}s'";
            await connection.ExecuteAsync(new CommandDefinition(
                $"DO $$ BEGIN EXECUTE format('ALTER ROLE CURRENT_USER IN DATABASE %I {change}', current_database()); END $$; {now}", cancellationToken: ct));
            return Outcome.Set;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ReadOnlySqlTransaction)
        {
            return Outcome.ReadOnly;
        }
    }
}
