using System.Globalization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using TechCourse.Admin.Infrastructure.Time;

namespace TechCourse.Admin.Components.Display;

// How money, counts and instants read everywhere: amounts with their currency (US dollars), counts with separators,
// instants in the viewer's time zone with the exact time on hover.
public static class Shown
{
    public static readonly CultureInfo Us = CultureInfo.GetCultureInfo("en-US");

    public static string Money(decimal amount) => amount.ToString("C2", Us);

    public static string Money(decimal? amount) => amount is { } a ? Money(a) : "—";

    public static string Count(long value) => value.ToString("N0", Us);

    // A lag or wait a person reads: "12 s", "3 min 5 s".
    public static string Duration(TimeSpan span) => span.TotalSeconds < 60
        ? $"{Math.Round(span.TotalSeconds).ToString("N0", Us)} s"
        : $"{((int)span.TotalMinutes).ToString("N0", Us)} min {span.Seconds.ToString(Us)} s";

    // The instant as a time element: the viewer's local minute, the exact time and zone as its title.
    public static RenderFragment When(ViewerTimeZone zone, DateTimeOffset instant) => builder => When(builder, zone, instant);

    private static void When(RenderTreeBuilder builder, ViewerTimeZone zone, DateTimeOffset instant)
    {
        builder.OpenElement(0, "time");
        builder.AddAttribute(1, "datetime", instant.ToString("O", CultureInfo.InvariantCulture));
        builder.AddAttribute(2, "title", zone.FormatExact(instant));
        builder.AddContent(3, zone.Format(instant));
        builder.CloseElement();
    }
}
