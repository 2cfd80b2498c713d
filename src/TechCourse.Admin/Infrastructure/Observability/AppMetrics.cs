using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace TechCourse.Admin.Infrastructure.Observability;

// The app's own instruments (OpenTelemetry exports them beside ASP.NET Core's and Npgsql's).
public static class AppMetrics
{
    public const string Name = "TechCourse.Admin";
    public static readonly Meter Meter = new(Name);
    public static readonly ActivitySource Activities = new(Name);

    public static readonly Counter<long> FailedWrites = Meter.CreateCounter<long>("techcourse.db.failed_writes", unit: "{write}",
        description: "Writes that failed, by SQLSTATE (or 'connection' / 'timeout' when the server did not answer)");
}
