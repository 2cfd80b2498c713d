using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace TechCourse.Admin.Infrastructure.Database;

// Whether the frequent writes are prepared on their connection (Database:PreparedWrites). A prepared statement lives
// in one server session, so it is only safe when the app's connection is that session: directly, or through a
// pooler in session mode. Auto decides on the first write: a server whose port is not the one the app connected to
// has a pooler in front of it, so nothing is prepared; and a server that answers that a prepared statement does not
// exist, or already exists (PgBouncer in transaction mode), turns preparing off for good.
public sealed class PreparedWrites(PreparedWritesMode mode, ILogger logger)
{
    private const int Unknown = 0, Prepare = 1, DoNotPrepare = 2;
    private int decision = mode switch { PreparedWritesMode.On => Prepare, PreparedWritesMode.Off => DoNotPrepare, _ => Unknown };

    public PreparedWrites(IOptions<DatabaseOptions> options, ILogger<PreparedWrites> logger) : this(options.Value.PreparedWrites, logger) { }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<NpgsqlDataSource, PreparedWrites> AutoPerDataSource = [];

    // For tooling that builds the app's stores by hand (loadtest, bench, tests): Auto, decided once per data source.
    public static PreparedWrites AutoFor(NpgsqlDataSource dataSource) =>
        AutoPerDataSource.GetValue(dataSource, _ => new PreparedWrites(PreparedWritesMode.Auto, NullLogger.Instance));

    public async ValueTask<bool> UseAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        if (Volatile.Read(ref decision) is var known && known != Unknown) return known == Prepare;
        await using var command = new NpgsqlCommand("SELECT current_setting('port')::int", connection);
        var serverPort = (int)(await command.ExecuteScalarAsync(ct))!;
        var direct = serverPort == connection.Port;
        if (!direct) logger.LogInformation("The database server listens on port {ServerPort}, the app connects to {Port}: a pooler is in between, so writes are not prepared", serverPort, connection.Port);
        Interlocked.CompareExchange(ref decision, direct ? Prepare : DoNotPrepare, Unknown);
        return Volatile.Read(ref decision) == Prepare;
    }

    // True when the write failed only because its prepared statement was not where the server looked (nothing ran:
    // the batch is one implicit transaction), so it may be sent again unprepared.
    public bool GiveUpAfter(PostgresException e)
    {
        if (mode != PreparedWritesMode.Auto || e.SqlState is not (PostgresErrorCodes.InvalidSqlStatementName or PostgresErrorCodes.DuplicatePreparedStatement)) return false;
        if (Interlocked.Exchange(ref decision, DoNotPrepare) != DoNotPrepare)
            logger.LogWarning("The server lost a prepared write ({SqlState}: {Message}): a pooler in transaction mode is in between, so writes are no longer prepared", e.SqlState, e.MessageText);
        return true;
    }
}
