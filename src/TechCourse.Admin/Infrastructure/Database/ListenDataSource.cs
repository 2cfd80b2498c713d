using Microsoft.Extensions.Options;
using Npgsql;

namespace TechCourse.Admin.Infrastructure.Database;

// Where the audit listener holds its LISTEN session: ConnectionStrings:TechCourseListen, or the runtime data source.
// A notification reaches only the server session that listens, so this connection must be a session of its own all
// the time: direct, or a session-pooled PgBouncer database, never a transaction-pooled one.
public sealed class ListenDataSource : IAsyncDisposable
{
    private readonly NpgsqlDataSource? owned;

    public ListenDataSource(NpgsqlDataSource runtime, IOptions<ConnectionStringsOptions> connectionStrings, IOptions<DatabaseOptions> database)
    {
        var listen = connectionStrings.Value.TechCourseListen;
        owned = string.IsNullOrWhiteSpace(listen) ? null : NpgsqlDataSource.Create(DatabaseTuning.Runtime(listen, database.Value.StatementTimeoutSeconds));
        DataSource = owned ?? runtime;
    }

    public ListenDataSource(NpgsqlDataSource dataSource) => DataSource = dataSource;

    public NpgsqlDataSource DataSource { get; }

    public ValueTask DisposeAsync() => owned?.DisposeAsync() ?? ValueTask.CompletedTask;
}
