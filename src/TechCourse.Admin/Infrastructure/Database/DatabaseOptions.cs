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

    // The connection that LISTENs for live updates; empty: the runtime one. Behind PgBouncer in transaction pooling
    // it must bypass the pooler (or go through a session-pooled database).
    [ConnectionString]
    public string TechCourseListen { get; init; } = "";

    // Where report reads and CSV exports go (a standby, or a multi-host string with Target Session Attributes=prefer-standby);
    // empty: the runtime one. Writes and the rollup fold always use the runtime connection.
    [ConnectionString]
    public string TechCourseReports { get; init; } = "";

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

    // Auto: prepared unless the server's port differs from the one connected to (a pooler in between) or the server
    // once answers that a prepared statement does not exist (PgBouncer in transaction pooling).
    [EnumDataType(typeof(PreparedWritesMode), ErrorMessage = "must be Auto, On or Off")]
    public PreparedWritesMode PreparedWrites { get; init; } = PreparedWritesMode.Auto;

    // How often the listener sends itself a heartbeat NOTIFY; live updates count as live while one came back within
    // three of these.
    [Range(0.2, 60, ErrorMessage = "must be a number of seconds from {1} to {2}")]
    public double ListenHeartbeatSeconds { get; init; } = 2;

    // A report read from a standby says how far behind it is once the lag exceeds this.
    [Range(0, 3_600, ErrorMessage = "must be a number of seconds from {1} to {2}")]
    public double ReplicaLagNoticeSeconds { get; init; } = 5;
}

public enum PreparedWritesMode { Auto, On, Off }

public sealed record EmbeddedPostgresOptions : ISettings
{
    public static string Section => "EmbeddedPostgres";

    [Required(AllowEmptyStrings = false, ErrorMessage = "must name a folder")]
    public string DataDirectory { get; init; } = ".data/postgres";

    // Empty: pg_config --bindir, then the newest /usr/lib/postgresql/*/bin.
    public string BinDirectory { get; init; } = "";

    public bool LoadDemoData { get; init; } = true;
}
