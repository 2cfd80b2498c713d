namespace TechCourse.Admin.Tests.Support;

// Waits for a condition instead of for a fixed time: checks it every few milliseconds until it holds or the
// timeout (a bound for a slow, shared machine, not the expected time) runs out.
public static class Eventually
{
    public static async Task WaitForAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Waited {timeout.TotalSeconds:F0} s for {what}.");
            await Task.Delay(20);
        }
    }

    public static Task WaitForAsync(Func<bool> condition, TimeSpan timeout, string what) => WaitForAsync(() => Task.FromResult(condition()), timeout, what);
}
