namespace TechCourse.Admin.Features.Sales;

public sealed class ReportingOptions
{
    public string TimeZone { get; set; } = "UTC";
}
