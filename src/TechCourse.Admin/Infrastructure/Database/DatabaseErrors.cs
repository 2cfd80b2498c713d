using System.Net.Sockets;
using Npgsql;

namespace TechCourse.Admin.Infrastructure.Database;

/// A message for the user; Field names the form field it belongs to, or is null for a form-level message.
public sealed record FieldError(string? Field, string Message);

/// The one place that turns database failures into messages a user can act on.
public static class DatabaseErrors
{
    public const string Unavailable = "The database is unavailable right now. Nothing was saved — try again in a moment.";
    public const string ReadOnly = "The database is read-only right now (maintenance). Nothing was saved — try again later.";
    public const string TimedOut = "The database took too long to answer and the request was stopped. Narrow the range or try again.";
    public const string Conflict = "Someone else was changing the same data at the same moment. Nothing was saved — try again.";
    public const string NotAllowed = "You are not allowed to make this change.";
    public const string SessionEnded = "Your session has ended (signed out, or your password or role changed). Nothing was saved — sign in again.";

    /// Returns null when the failure is not one a user can act on: log it and show a calm message with a correlation id.
    public static FieldError? Describe(Exception exception, IReadOnlyDictionary<string, FieldError>? constraints = null)
    {
        var postgres = Find<PostgresException>(exception);
        if (postgres is not null) return Describe(postgres, constraints);
        if (Find<TimeoutException>(exception) is not null) return new FieldError(null, TimedOut);
        if (Find<NpgsqlException>(exception) is { IsTransient: true } || Find<SocketException>(exception) is not null)
            return new FieldError(null, Unavailable);
        return null;
    }

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
            PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow
                or PostgresErrorCodes.TooManyConnections or PostgresErrorCodes.DiskFull => new FieldError(null, Unavailable),
            _ when e.SqlState.StartsWith("08", StringComparison.Ordinal) => new FieldError(null, Unavailable),
            _ => null,
        };
    }

    private static T? Find<T>(Exception? exception) where T : Exception
    {
        for (; exception is not null; exception = exception.InnerException)
            if (exception is T found) return found;
        return null;
    }
}
