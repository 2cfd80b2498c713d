using TechCourse.Admin.Features.Campaigns;
using TechCourse.Admin.Infrastructure.Time;

namespace TechCourse.Admin.Tests.Infrastructure;

public sealed class LocalTimesTests
{
    private static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
    private static readonly TimeZoneInfo LordHowe = TimeZoneInfo.FindSystemTimeZoneById("Australia/Lord_Howe");

    [Fact]
    public void An_ordinary_local_time_is_one_instant()
    {
        var resolved = Assert.IsType<LocalResolution.Exact>(LocalTimes.Resolve(new DateTime(2026, 11, 27, 0, 0, 0), NewYork));

        Assert.Equal(new DateTimeOffset(2026, 11, 27, 5, 0, 0, TimeSpan.Zero), resolved.Instant);
    }

    [Fact]
    public void A_time_in_the_hour_the_clocks_skip_does_not_exist_and_the_message_says_where_the_clocks_jump()
    {
        var skipped = Assert.IsType<LocalResolution.Skipped>(LocalTimes.Resolve(new DateTime(2026, 3, 8, 2, 30, 0), NewYork));

        Assert.Equal((new DateTime(2026, 3, 8, 2, 0, 0), new DateTime(2026, 3, 8, 3, 0, 0)), (skipped.GapStart, skipped.GapEnd));
        Assert.Equal(new DateTimeOffset(2026, 3, 8, 7, 0, 0, TimeSpan.Zero), skipped.Next);
        Assert.Equal("Sun 8 Mar 2026 02:30 does not exist in America/New_York: on 8 March 2026 the clocks go forward from 02:00 to 03:00. " +
                     "Pick another time, e.g. 03:00.", skipped.Message);
        Assert.Equal((null, skipped.Message), LocalTimes.Pick(new DateTime(2026, 3, 8, 2, 30, 0), NewYork, RepeatedTime.Later));
    }

    [Fact]
    public void A_half_hour_gap_is_found_as_well()
    {
        var skipped = Assert.IsType<LocalResolution.Skipped>(LocalTimes.Resolve(new DateTime(2026, 10, 4, 2, 15, 0), LordHowe));

        Assert.Equal((new DateTime(2026, 10, 4, 2, 0, 0), new DateTime(2026, 10, 4, 2, 30, 0)), (skipped.GapStart, skipped.GapEnd));
    }

    [Fact]
    public void A_time_in_the_hour_the_clocks_repeat_is_two_instants_and_the_user_is_asked_which()
    {
        var local = new DateTime(2026, 11, 1, 1, 30, 0);

        var twice = Assert.IsType<LocalResolution.Twice>(LocalTimes.Resolve(local, NewYork));

        Assert.Equal(new DateTimeOffset(2026, 11, 1, 5, 30, 0, TimeSpan.Zero), twice.Earlier);
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 6, 30, 0, TimeSpan.Zero), twice.Later);
        Assert.Equal((null, twice.Message), LocalTimes.Pick(local, NewYork, RepeatedTime.Ask));
        Assert.Equal(twice.Later, LocalTimes.Pick(local, NewYork, RepeatedTime.Later).Instant);
        Assert.Contains("happens twice in America/New_York", twice.Message, StringComparison.Ordinal);
        Assert.Contains("UTC−04:00", twice.Message, StringComparison.Ordinal);
        Assert.Contains("UTC−05:00", twice.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_campaigns_times_are_checked_together_the_end_after_the_start_and_the_start_ahead()
    {
        var now = new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

        var friday = new CampaignTiming(new DateTime(2026, 11, 27, 0, 0, 0), new DateTime(2026, 11, 30, 23, 59, 0), "America/New_York").Resolve(now);
        var backwards = new CampaignTiming(new DateTime(2026, 11, 27, 0, 0, 0), new DateTime(2026, 11, 26, 0, 0, 0), "America/New_York").Resolve(now);
        var past = new CampaignTiming(new DateTime(2026, 11, 1, 0, 0, 0), null, "America/New_York").Resolve(now);

        Assert.True(friday.Valid);
        Assert.Equal((new DateTimeOffset(2026, 11, 27, 5, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 1, 4, 59, 0, TimeSpan.Zero)), (friday.StartsAt!.Value, friday.EndsAt!.Value));
        Assert.Equal("The end must be after the start.", backwards.EndError);
        Assert.Equal("The start must be in the future (or apply the change now).", past.StartError);
    }
}
