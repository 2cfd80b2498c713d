using System.Diagnostics;

namespace TechCourse.Admin.Infrastructure.Reliability;

// The reference a user quotes for an unexpected error: the W3C trace id of the request (or circuit event), which the
// structured log carries with the error.
public static class CorrelationId
{
    private const string ItemKey = "TechCourse.CorrelationId";

    public static string For(HttpContext? http)
    {
        if (http?.Items[ItemKey] is string stored) return stored;
        var id = Activity.Current is { } activity && activity.TraceId != default ? activity.TraceId.ToHexString()
            : http?.TraceIdentifier ?? ActivityTraceId.CreateRandom().ToHexString();
        if (http is not null) http.Items[ItemKey] = id;
        return id;
    }

    public static string New() => Activity.Current is { } activity && activity.TraceId != default ? activity.TraceId.ToHexString() : ActivityTraceId.CreateRandom().ToHexString();
}
