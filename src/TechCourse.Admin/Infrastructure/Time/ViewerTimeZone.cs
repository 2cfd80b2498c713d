using System.Globalization;
using Microsoft.JSInterop;

namespace TechCourse.Admin.Infrastructure.Time;

// The signed-in viewer's time zone, read once per circuit from the browser. Until it is known (prerendering, or a
// browser that reports nothing usable) times are shown in UTC, and the label says so.
public sealed class ViewerTimeZone(IJSRuntime js)
{
    private TimeZoneInfo? zone;

    public TimeZoneInfo Current => zone ?? TimeZoneInfo.Utc;

    public string Label => Current.Id;

    // Call from OnAfterRenderAsync(firstRender) and re-render when the answer differs from UTC.
    public async Task<TimeZoneInfo> GetAsync(CancellationToken ct = default)
    {
        if (zone is not null) return zone;
        try
        {
            var id = await js.InvokeAsync<string?>("techCourse.timeZone", ct);
            zone = id is not null && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var found) ? found : TimeZoneInfo.Utc;
        }
        catch (InvalidOperationException)
        {
            return TimeZoneInfo.Utc; // prerendering: no JavaScript yet
        }
        catch (JSException)
        {
            zone = TimeZoneInfo.Utc;
        }
        return zone;
    }

    public DateTimeOffset ToViewer(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Current);

    public string Format(DateTimeOffset instant) => ToViewer(instant).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public string FormatExact(DateTimeOffset instant) =>
        $"{ToViewer(instant).ToString("yyyy-MM-dd HH:mm:ss.ffffff zzz", CultureInfo.InvariantCulture)} ({Current.Id})";
}
