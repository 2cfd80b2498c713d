namespace TechCourse.Admin.Infrastructure.Database;

public enum DatabaseState { Connecting, Unavailable, Ready }

// What the app last learnt about its database; the layout banner and /health read it, DatabaseMonitor writes it.
public sealed class DatabaseStatus
{
    public const string UnavailableMessage = "Database unavailable — retrying. Pages that need data will work again as soon as it answers; nothing saved has been lost.";

    public DatabaseState State { get; private set; } = DatabaseState.Connecting;
    public string? Problem { get; private set; }
    public bool IsReady => State == DatabaseState.Ready;
    public event Action? Changed;

    public void ReportReady() => Set(DatabaseState.Ready, null);

    public void ReportUnavailable(string problem) => Set(DatabaseState.Unavailable, problem);

    private void Set(DatabaseState state, string? problem)
    {
        var changed = state != State;
        State = state;
        Problem = problem;
        if (changed) Changed?.Invoke();
    }
}
