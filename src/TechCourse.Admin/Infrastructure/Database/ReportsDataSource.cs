using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace TechCourse.Admin.Infrastructure.Database;

// Where report reads and CSV exports go: ConnectionStrings:TechCourseReports (a standby, or a multi-host string with
// Target Session Attributes=prefer-standby), or the runtime data source. Only reads: writes and the rollup fold use
// the runtime connection. Behind tells how far a standby is behind its primary, measured at most every two seconds.
public sealed class ReportsDataSource : IAsyncDisposable
{
    public const string Key = "reports";
    private static readonly TimeSpan MeasureEvery = TimeSpan.FromSeconds(2);
    private readonly NpgsqlDataSource? owned;
    private readonly TimeSpan notice;
    private readonly Lock gate = new();
    private (DateTime At, TimeSpan? Lag) last = (DateTime.MinValue, null);

    public ReportsDataSource(NpgsqlDataSource runtime, IOptions<ConnectionStringsOptions> connectionStrings, IOptions<DatabaseOptions> database)
    {
        var reports = connectionStrings.Value.TechCourseReports;
        owned = string.IsNullOrWhiteSpace(reports) ? null : NpgsqlDataSource.Create(DatabaseTuning.Runtime(reports, database.Value.StatementTimeoutSeconds));
        DataSource = owned ?? runtime;
        notice = TimeSpan.FromSeconds(database.Value.ReplicaLagNoticeSeconds);
    }

    // Reports on the runtime connection (component tests).
    public ReportsDataSource(NpgsqlDataSource runtime) => DataSource = runtime;

    public NpgsqlDataSource DataSource { get; }
    public bool Separate => owned is not null;

    // The standby's replay lag (zero when it has replayed everything it received, or when it is a primary); null when
    // reports read from the runtime connection or the standby does not answer.
    public async Task<TimeSpan?> LagAsync(CancellationToken ct)
    {
        if (owned is null) return null;
        lock (gate)
            if (DateTime.UtcNow - last.At < MeasureEvery) return last.Lag;
        TimeSpan? lag;
        try
        {
            await using var connection = await owned.OpenConnectionAsync(ct);
            var seconds = await connection.ExecuteScalarAsync<double>(new CommandDefinition("""
                SELECT CASE WHEN NOT pg_is_in_recovery() OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                            ELSE coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()), 0) END
                """, cancellationToken: ct));
            lag = TimeSpan.FromSeconds(Math.Max(0, seconds));
        }
        catch (Exception e) when (DatabaseErrors.IsTransient(e))
        {
            lag = null;
        }
        lock (gate) last = (DateTime.UtcNow, lag);
        return lag;
    }

    // The lag measured last (no query): the replica lag metric.
    public TimeSpan? LastLag
    {
        get
        {
            lock (gate) return last.Lag;
        }
    }

    // The lag when it is worth telling the reader (above Database:ReplicaLagNoticeSeconds).
    public async Task<TimeSpan?> NoticeableLagAsync(CancellationToken ct) => await LagAsync(ct) is { } lag && lag > notice ? lag : null;

    public ValueTask DisposeAsync() => owned?.DisposeAsync() ?? ValueTask.CompletedTask;
}
