using TechCourse.Admin.Infrastructure.Time;

namespace TechCourse.Admin.Tests.Infrastructure;

public sealed class TicksTests
{
    private static readonly DateTimeOffset Second = new(2026, 12, 7, 12, 0, 1, TimeSpan.Zero);

    [Fact]
    public void The_next_whole_second_is_what_is_left_of_the_current_one()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(750), Ticks.UntilNext(TimeSpan.FromSeconds(1), Second.AddMilliseconds(250)));
        Assert.Equal(TimeSpan.FromTicks(1), Ticks.UntilNext(TimeSpan.FromSeconds(1), Second.AddTicks(-1)));
    }

    [Fact]
    public void On_a_whole_second_the_next_one_is_a_whole_second_away_and_the_offset_of_the_clock_does_not_matter()
    {
        Assert.Equal(TimeSpan.FromSeconds(1), Ticks.UntilNext(TimeSpan.FromSeconds(1), Second));
        Assert.Equal(TimeSpan.FromMilliseconds(750), Ticks.UntilNext(TimeSpan.FromSeconds(1), Second.AddMilliseconds(250).ToOffset(TimeSpan.FromHours(5.75))));
    }
}
