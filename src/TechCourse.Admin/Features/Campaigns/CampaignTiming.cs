using TechCourse.Admin.Infrastructure.Time;

namespace TechCourse.Admin.Features.Campaigns;

// The start and end a user picked on the form, as wall-clock times in their zone; StartLocal null means "now".
// Each choice says which instant a time that happens twice means (the user is asked until they say).
public sealed record CampaignTiming(DateTime? StartLocal, DateTime? EndLocal, string TimeZone,
    RepeatedTime StartChoice = RepeatedTime.Ask, RepeatedTime EndChoice = RepeatedTime.Ask)
{
    public CampaignTimes Resolve(DateTimeOffset now)
    {
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out var zone))
            return new CampaignTimes(null, null, null, null, $"Unknown time zone “{TimeZone}”.", null);
        var start = StartLocal is { } s ? LocalTimes.Resolve(s, zone) : null;
        var end = EndLocal is { } e ? LocalTimes.Resolve(e, zone) : null;
        var (startsAt, startError) = StartLocal is { } sl ? LocalTimes.Pick(sl, zone, StartChoice) : (null, null);
        var (endsAt, endError) = EndLocal is { } el ? LocalTimes.Pick(el, zone, EndChoice) : (null, null);
        if (startError is null && startsAt is { } at && at <= now) startError = "The start must be in the future (or apply the change now).";
        if (endError is null && endsAt is { } until && until <= (startsAt ?? now)) endError = "The end must be after the start.";
        return new CampaignTimes(startsAt, endsAt, start, end, startError, endError);
    }
}

// The instants, and what the form shows about each time: an error, or (Twice) the two instants to choose from.
public sealed record CampaignTimes(DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, LocalResolution? Start, LocalResolution? End,
    string? StartError, string? EndError)
{
    public bool Valid => StartError is null && EndError is null;
}
