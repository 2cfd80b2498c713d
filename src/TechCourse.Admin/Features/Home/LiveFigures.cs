using Microsoft.AspNetCore.Components;

namespace TechCourse.Admin.Features.Home;

// A home page's hold on its shared figures: it follows one HomeLive view (chosen by Key) and re-renders whenever the
// view reads new figures. The page never reads the database itself.
public abstract class LiveFigures<T> : ComponentBase, IDisposable where T : class
{
    private readonly CancellationTokenSource cancellation = new();
    private HomeSubscription<T>? subscription;
    private string? followed;

    [Inject] private HomeLive Live { get; set; } = null!;

    protected HomeSnapshot<T> Snapshot { get; private set; } = HomeSnapshot<T>.Loading;

    protected CancellationToken Stopping => cancellation.Token;

    // The view's name: everything the figures depend on (kind, scope, zone).
    protected abstract string Key { get; }

    // The read, closed over the values it needs (the view outlives the page that opened it).
    protected abstract Func<CancellationToken, Task<T>> Reader();

    // Follows the view of the current Key (again, when the key changed) and waits for its first figures.
    protected async Task FollowAsync()
    {
        if (followed == Key || cancellation.IsCancellationRequested) return;
        followed = Key;
        subscription?.Dispose();
        HomeSubscription<T>? current = null;
        current = Live.Subscribe(Key, Reader(), () => InvokeAsync(() =>
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
        if (followed == Key) return;
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
