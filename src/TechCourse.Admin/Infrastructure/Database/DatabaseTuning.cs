using Npgsql;

namespace TechCourse.Admin.Infrastructure.Database;

// The runtime connection's client-side limit: a command timeout a little longer than the server's statement timeout
// (Database:StatementTimeoutSeconds, which RuntimeStatementTimeout sets on the runtime login, never as a startup
// option: PgBouncer refuses those), so a stuck network is noticed too.
// Pooled connections are handed out again without Npgsql's DISCARD ALL: the app keeps no session state (every setting
// it makes is transaction-local: set_config(…, true), SET LOCAL; the audit listener's LISTEN connection is held for
// the app's lifetime), and DISCARD ALL would also drop the server's cached plans of the PL/pgSQL functions and
// triggers every write runs, so each write would plan them again.
public static class DatabaseTuning
{
    public static string Runtime(string connectionString, int statementTimeoutSeconds)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true };
        if (statementTimeoutSeconds > 0) builder.CommandTimeout = statementTimeoutSeconds + 5;
        return builder.ConnectionString;
    }
}
