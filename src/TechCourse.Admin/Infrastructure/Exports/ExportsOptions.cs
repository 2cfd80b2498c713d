using System.ComponentModel.DataAnnotations;
using TechCourse.Admin.Infrastructure.Configuration;

namespace TechCourse.Admin.Infrastructure.Exports;

public sealed record ExportsOptions : ISettings
{
    public static string Section => "Exports";

    [Range(1, 1_000, ErrorMessage = "must be a whole number from {1} to {2}")]
    public int MaxConcurrentPerUser { get; init; } = 2;
}
