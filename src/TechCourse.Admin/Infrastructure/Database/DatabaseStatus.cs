namespace TechCourse.Admin.Infrastructure.Database;

public enum DatabaseState { Connecting, Unavailable, Ready }

// What the app last learnt about its database; the layout banner, /health/ready and the background writers read it,
// DatabaseMonitor (and the start-up migrations) write it. Pages depend only on the runtime connection: the owner
// connection failing never makes them unavailable, it only keeps MigrationsApplied false until it answers once.
public sealed class DatabaseStatus
{
    public const string UnavailableMessage = "Database unavailable — retrying. Pages that need data will work again as soon as it answers; nothing saved has been lost.";
    public const string StandbyMessage = "The database is a read-only standby: pages show data, but nothing can be saved until it is promoted or the app points at the primary.";

    public DatabaseState State { get; private set; } = DatabaseState.Connecting;
    public string? Problem { get; private set; }
    public bool IsReady => State == DatabaseState.Ready;

    // The runtime connection reaches a server in recovery (a streaming standby): background writers wait.
    public bool IsStandby { get; private set; }

    // What the background writers wait for: a database known to answer and to accept writes.
    public bool AcceptsWrites => IsReady && !IsStandby;

    // Returns as soon as the database accepts writes (at once if it does): a background writer waits here quietly.
    public async Task WaitUntilWritableAsync(CancellationToken ct)
    {
        while (!AcceptsWrites)
        {
            var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            void OnChanged() => changed.TrySetResult();
            Changed += OnChanged;
            try
            {
                if (!AcceptsWrites) await changed.Task.WaitAsync(TimeSpan.FromSeconds(1), ct);
            }
            catch (TimeoutException)
            {
            }
            finally
            {
                Changed -= OnChanged;
            }
        }
    }

    // Remembered once the migrations were applied (or found applied); never asked of the owner connection again.
    public bool MigrationsApplied { get; private set; }
    public string? MigrationProblem { get; private set; }

    public event Action? Changed;

    public void ReportReady(bool standby = false) => Set(DatabaseState.Ready, null, standby);

    public void ReportUnavailable(string problem) => Set(DatabaseState.Unavailable, problem, IsStandby);

    public void ReportMigrated()
    {
        MigrationsApplied = true;
        MigrationProblem = null;
    }

    public void ReportMigrationProblem(string problem) => MigrationProblem = problem;

    private void Set(DatabaseState state, string? problem, bool standby)
    {
        var changed = state != State || standby != IsStandby;
        State = state;
        Problem = problem;
        IsStandby = standby;
        if (changed) Changed?.Invoke();
    }
}
