using Npgsql;

namespace TechCourse.Admin.Infrastructure.Database;

/// The runtime connection's limits: a server-side statement timeout (Database:StatementTimeoutSeconds, default 30)
/// and a client-side command timeout a little longer, so a stuck network is noticed too.
/// Pooled connections are handed out again without Npgsql's DISCARD ALL: the app keeps no session state (every setting
/// it makes is transaction-local: set_config(…, true), SET LOCAL; the audit listener's LISTEN connection is held for
/// the app's lifetime), and DISCARD ALL would also drop the server's cached plans of the PL/pgSQL functions and
/// triggers every write runs, so each write would plan them again (measured: about a third of an enrollment's CPU).
public static class DatabaseTuning
{
    public const int DefaultStatementTimeoutSeconds = 30;

    public static string Runtime(string connectionString, IConfiguration configuration)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { NoResetOnClose = true };
        var seconds = configuration.GetValue("Database:StatementTimeoutSeconds", DefaultStatementTimeoutSeconds);
        if (seconds <= 0) return builder.ConnectionString;
        if (builder.Options?.Contains("statement_timeout", StringComparison.Ordinal) != true)
            builder.Options = $"{builder.Options} -c statement_timeout={seconds * 1000}".Trim();
        builder.CommandTimeout = seconds + 5;
        return builder.ConnectionString;
    }
}
