namespace TechCourse.Admin.Features.Courses;

// The wait after a key: a newer key cancels the older wait, so only the last key of a burst goes on.
public sealed class TypingPause(TimeSpan pause)
{
    private CancellationTokenSource? waiting;

    // True when no other key came during the pause.
    public async Task<bool> WaitAsync(CancellationToken ct)
    {
        waiting?.Cancel();
        var mine = CancellationTokenSource.CreateLinkedTokenSource(ct);
        waiting = mine;
        try
        {
            await Task.Delay(pause, mine.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        finally
        {
            if (ReferenceEquals(waiting, mine)) waiting = null;
            mine.Dispose();
        }
    }

    public void Cancel() => waiting?.Cancel();
}
