using TechCourse.Admin.Features.Courses;

namespace TechCourse.Admin.Tests.Features.Courses;

public sealed class TypingPauseTests
{
    [Fact]
    public async Task Only_the_last_key_of_a_burst_goes_on_and_a_cancelled_pause_never_does()
    {
        var pause = new TypingPause(TimeSpan.FromMilliseconds(100));

        var first = pause.WaitAsync(CancellationToken.None);
        var second = pause.WaitAsync(CancellationToken.None);
        var third = pause.WaitAsync(CancellationToken.None);

        var goesOn = await Task.WhenAll(first, second, third);

        Assert.Equal(new[] { false, false, true }, goesOn);
        var cancelled = pause.WaitAsync(CancellationToken.None);
        pause.Cancel();
        Assert.False(await cancelled);
        Assert.True(await pause.WaitAsync(CancellationToken.None));
    }
}
