using TechCourse.Admin.Infrastructure.Configuration;

namespace TechCourse.Admin.Infrastructure.Reliability;

public sealed record ReliabilityOptions : ISettings
{
    public static string Section => "Reliability";

    // Maps /_faults/throw for the fault tests; never on in production.
    public bool FaultEndpoints { get; init; }
}
