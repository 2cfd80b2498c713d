using System.ComponentModel.DataAnnotations;
using TechCourse.Admin.Infrastructure.Configuration;

namespace TechCourse.Admin.Infrastructure.Database;

public sealed record ConnectionStringsOptions : ISettings
{
    public static string Section => "ConnectionStrings";

    // Empty: the embedded cluster.
    [ConnectionString]
    public string TechCourse { get; init; } = "";

    // The schema owner's connection for migrations; empty: the runtime one.
    [ConnectionString]
    public string TechCourseMigrations { get; init; } = "";

    public bool External => !string.IsNullOrWhiteSpace(TechCourse);
}

public sealed record DatabaseOptions : ISettings
{
    public static string Section => "Database";

    // 0 turns the server-side limit off.
    [Range(0, 86_400, ErrorMessage = "must be a whole number of seconds from {1} to {2}")]
    public int StatementTimeoutSeconds { get; init; } = 30;

    [Range(0.1, 3_600, ErrorMessage = "must be a number of seconds from {1} to {2}")]
    public double ProbeIntervalSeconds { get; init; } = 5;

    [Range(0.1, 3_600, ErrorMessage = "must be a number of seconds from {1} to {2}")]
    public double MaxRetryDelaySeconds { get; init; } = 15;
}

public sealed record EmbeddedPostgresOptions : ISettings
{
    public static string Section => "EmbeddedPostgres";

    [Required(AllowEmptyStrings = false, ErrorMessage = "must name a folder")]
    public string DataDirectory { get; init; } = ".data/postgres";

    // Empty: pg_config --bindir, then the newest /usr/lib/postgresql/*/bin.
    public string BinDirectory { get; init; } = "";

    public bool LoadDemoData { get; init; } = true;
}
