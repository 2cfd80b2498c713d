using System.Net.Sockets;
using Npgsql;

namespace TechCourse.Admin.Infrastructure.Database;

// A message for the user; Field names the form field it belongs to, or is null for a form-level message.
public sealed record FieldError(string? Field, string Message);

// The one place that turns database failures into messages a user can act on, and that says which failures are
// transient (worth trying again later) for the pages and the background services alike.
public static class DatabaseErrors
{
    public const string Unavailable = "The database is unavailable right now. Nothing was saved — try again in a moment.";
    public const string ReadOnly = "The database is read-only right now (maintenance). Nothing was saved — try again later.";
    public const string TimedOut = "The database took too long to answer and the request was stopped. Narrow the range or try again.";
    public const string Conflict = "Someone else was changing the same data at the same moment. Nothing was saved — try again.";
    public const string NotAllowed = "You are not allowed to make this change.";
    public const string SessionEnded = "Your session has ended (signed out, or your password or role changed). Nothing was saved — sign in again.";

    // Null when the failure is not one a user can act on (e.g. a bug in a statement): log it and show a calm message
    // with a reference (PageErrors).
    public static FieldError? Describe(Exception exception, IReadOnlyDictionary<string, FieldError>? constraints = null)
    {
        var postgres = Find<PostgresException>(exception);
        if (postgres is not null) return Describe(postgres, constraints);
        if (Find<TimeoutException>(exception) is not null) return new FieldError(null, TimedOut);
        return IsTransient(exception) ? new FieldError(null, Unavailable) : null;
    }

    // Describe for a failed write, which is also counted by SQLSTATE (WriteFailures).
    public static FieldError? DescribeWrite(Exception exception, IReadOnlyDictionary<string, FieldError>? constraints = null)
    {
        WriteFailures.Record(exception);
        return Describe(exception, constraints);
    }

    public static bool IsReadOnly(Exception exception) => Find<PostgresException>(exception)?.SqlState == PostgresErrorCodes.ReadOnlySqlTransaction;

    // The server cannot be reached, is starting or shutting down, or has no connection or disk to spare.
    public static bool IsTransient(Exception exception) => exception switch
    {
        MigrationFailedException { InnerException: { } inner } => IsTransient(inner),
        PostgresException p => IsUnavailableState(p.SqlState),
        NpgsqlException n => n.IsTransient || n.InnerException is SocketException or IOException or TimeoutException,
        SocketException or IOException or TimeoutException => true,
        _ => false,
    };

    private static bool IsUnavailableState(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal) || sqlState is PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown
            or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.TooManyConnections or PostgresErrorCodes.DiskFull;

    private static FieldError? Describe(PostgresException e, IReadOnlyDictionary<string, FieldError>? constraints)
    {
        if (e.ConstraintName is { } name && constraints is not null && constraints.TryGetValue(name, out var known)) return known;
        return e.SqlState switch
        {
            PostgresErrorCodes.UniqueViolation => new FieldError(null, "This would create a duplicate of something that already exists."),
            PostgresErrorCodes.ForeignKeyViolation => new FieldError(null, "This refers to something that no longer exists, or is still used elsewhere."),
            PostgresErrorCodes.CheckViolation => new FieldError(null, "A value is outside what is allowed."),
            PostgresErrorCodes.NotNullViolation => new FieldError(e.ColumnName, "This field is required."),
            PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected => new FieldError(null, Conflict),
            PostgresErrorCodes.ReadOnlySqlTransaction => new FieldError(null, ReadOnly),
            PostgresErrorCodes.QueryCanceled => new FieldError(null, TimedOut),
            PostgresErrorCodes.InsufficientPrivilege => new FieldError(null, NotAllowed),
            PostgresErrorCodes.InvalidAuthorizationSpecification => new FieldError(null, SessionEnded),
            var state when IsUnavailableState(state) => new FieldError(null, Unavailable),
            _ => null,
        };
    }

    // The exception itself or the nearest of its inner exceptions that is a T.
    public static T? Find<T>(Exception? exception) where T : Exception
    {
        for (; exception is not null; exception = exception.InnerException)
            if (exception is T found) return found;
        return null;
    }
}
