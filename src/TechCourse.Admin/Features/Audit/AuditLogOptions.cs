using System.ComponentModel.DataAnnotations;
using TechCourse.Admin.Infrastructure.Configuration;

namespace TechCourse.Admin.Features.Audit;

public sealed record AuditLogOptions : ISettings
{
    public static string Section => "Audit";

    // The append-only file of signed checkpoints; empty: checkpoints.log beside the embedded cluster's data
    // (.data/postgres-audit/), or .data/audit/ with an external database.
    public string CheckpointFile { get; init; } = "";

    // The HMAC key the checkpoints are signed with; empty: checkpoint.key in the same default folder.
    public string CheckpointKeyFile { get; init; } = "";

    [Range(0.5, 3_600, ErrorMessage = "must be a number of seconds from {1} to {2}")]
    public double CheckpointIntervalSeconds { get; init; } = 60;
}
