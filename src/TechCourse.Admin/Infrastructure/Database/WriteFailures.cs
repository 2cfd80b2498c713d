using System.Collections.Concurrent;
using System.Net.Sockets;
using Npgsql;
using TechCourse.Admin.Infrastructure.Observability;

namespace TechCourse.Admin.Infrastructure.Database;

// Every failed write, counted by SQLSTATE (and constraint, when one refused it): the metric techcourse.db.failed_writes,
// and a tally of the writes of one asynchronous flow for who asks (loadtest judges its run by it).
public static class WriteFailures
{
    private static readonly AsyncLocal<ConcurrentDictionary<string, long>?> Tally = new();

    public static string CodeOf(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is PostgresException postgres) return postgres.SqlState;
            if (e is TimeoutException) return "timeout";
        }
        return exception is NpgsqlException or SocketException or IOException ? "connection" : exception.GetType().Name;
    }

    public static void Record(Exception exception)
    {
        if (exception is OperationCanceledException) return;
        var code = CodeOf(exception);
        // The constraint's name (a fixed set, from the schema) says which rule refused the write.
        var constraint = DatabaseErrors.Find<PostgresException>(exception)?.ConstraintName;
        if (constraint is null) AppMetrics.FailedWrites.Add(1, new KeyValuePair<string, object?>("sqlstate", code));
        else AppMetrics.FailedWrites.Add(1, new KeyValuePair<string, object?>("sqlstate", code), new KeyValuePair<string, object?>("constraint", constraint));
        Tally.Value?.AddOrUpdate(code, 1, (_, count) => count + 1);
    }

    // Counts the failed writes of this flow and of the tasks it starts from now on.
    public static ConcurrentDictionary<string, long> StartTally() => Tally.Value = new ConcurrentDictionary<string, long>();
}
