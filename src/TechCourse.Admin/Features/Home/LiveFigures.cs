using Microsoft.AspNetCore.Components;

namespace TechCourse.Admin.Features.Home;

// A home page's hold on its shared figures: it follows its kind's figures for one scope (Scope) and re-renders
// whenever HomeLive reads new figures of that scope. The page never reads the database itself.
public abstract class LiveFigures<TScope, T> : ComponentBase, IDisposable where TScope : notnull where T : class
{
    private readonly CancellationTokenSource cancellation = new();
    private HomeSubscription<T>? subscription;
    private TScope? followed;

    [Inject] private HomeLive Live { get; set; } = null!;

    protected HomeSnapshot<T> Snapshot { get; private set; } = HomeSnapshot<T>.Loading;

    protected CancellationToken Stopping => cancellation.Token;

    protected abstract HomeKind<TScope, T> Kind { get; }

    // Everything besides the kind that the figures depend on (the instructor, the zone).
    protected abstract TScope Scope { get; }

    // Follows the figures of the current Scope (again, when it changed) and waits for its first figures.
    protected async Task FollowAsync()
    {
        var scope = Scope;
        if (EqualityComparer<TScope>.Default.Equals(followed, scope) || cancellation.IsCancellationRequested) return;
        followed = scope;
        subscription?.Dispose();
        HomeSubscription<T>? current = null;
        current = Live.Subscribe(Kind, scope, () => InvokeAsync(() =>
        {
            if (current != subscription) return;
            Snapshot = current!.Current;
            StateHasChanged();
        }));
        subscription = current;
        if (current.Current.Figures is not null || Snapshot.Figures is null) Snapshot = current.Current;
        try
        {
            Snapshot = await current.FirstAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }

    // Once the browser has told the viewer's zone: follows the view of that zone, keeping the figures shown meanwhile.
    protected async Task FollowZoneAsync(TimeZoneInfo viewer, Action<string> setZone)
    {
        if (!Sales.SalesTimeZones.IsKnown(viewer.Id)) return;
        setZone(viewer.Id);
        if (EqualityComparer<TScope>.Default.Equals(followed, Scope)) return;
        StateHasChanged();
        await FollowAsync();
        StateHasChanged();
    }

    public void Dispose()
    {
        cancellation.Cancel();
        cancellation.Dispose();
        subscription?.Dispose();
        GC.SuppressFinalize(this);
    }
}
