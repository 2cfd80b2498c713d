using TechCourse.Admin.Infrastructure.Configuration;

namespace TechCourse.Admin.Features.Sales;

public sealed record ReportingOptions : ISettings
{
    public static string Section => "Reporting";

    [TimeZoneId]
    public string TimeZone { get; init; } = "UTC";
}
