using Npgsql;

namespace TechCourse.Admin.Infrastructure.Database;

/// The runtime connection's limits: a server-side statement timeout (Database:StatementTimeoutSeconds, default 30)
/// and a client-side command timeout a little longer, so a stuck network is noticed too.
public static class DatabaseTuning
{
    public const int DefaultStatementTimeoutSeconds = 30;

    public static string Runtime(string connectionString, IConfiguration configuration)
    {
        var seconds = configuration.GetValue("Database:StatementTimeoutSeconds", DefaultStatementTimeoutSeconds);
        if (seconds <= 0) return connectionString;
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.Options?.Contains("statement_timeout", StringComparison.Ordinal) != true)
            builder.Options = $"{builder.Options} -c statement_timeout={seconds * 1000}".Trim();
        builder.CommandTimeout = seconds + 5;
        return builder.ConnectionString;
    }
}
