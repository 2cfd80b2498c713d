using System.Globalization;
using System.Text.RegularExpressions;

namespace TechCourse.Admin.Bench;

public sealed record BenchOptions(string? Connection, int Runs, int NaiveRuns, Regex? Only, string? Output, int WriteSeconds, int Circuits, int CampaignCourses)
{
    public const string Usage = """
        Usage: dotnet run -c Release --project bench/TechCourse.Admin.Bench -- [options]
          --connection CS   measure an existing full-scale database (owner/superuser connection; pending migrations are applied)
                            default: a throwaway local cluster loaded with the capstone scale (load time is measured)
          --runs N          measured runs per side and entry (default 30, at least 30 unless --quick)
          --naive-runs N    measured runs of the naive version (default 5; it takes seconds per run)
          --only REGEX      only entries whose name matches (case-insensitive), e.g. "home|courses"
          --output FILE     also write the results as Markdown (e.g. docs/benchmarks.md)
          --write-seconds N duration of each write-throughput measurement (default 10)
          --circuits N      interactive circuits for the memory measurement (default 50)
          --campaign-courses N  course changes due at once for the campaign scheduler entry (default 10000)
          --home-pages N    home pages open in Chromium for the home live updates entry (default 100)
          --live-seconds N  duration of each pass of that entry's paced write load (default 60)
          --browsers-idle   run that entry's Chromium under SCHED_IDLE (chrt --idle), so the pages, which stand in
                            for the viewers' own machines, take only the CPU the server leaves
          --write-via H:P   the write entries (raw and app side) connect through this host:port, e.g. a PgBouncer in
                            front of the same database with the same logins; the other entries connect directly
          --quick           allow --runs below 30 (for development; the table says so)
          --show-sql        print the statements each app query sends (as captured for the raw side)
        """;

    public bool Quick { get; init; }
    public bool ShowSql { get; init; }
    public string? WriteVia { get; init; }
    public int HomePages { get; init; } = 100;
    public int LiveSeconds { get; init; } = 60;
    public bool BrowsersIdle { get; init; }

    // A connection string with its host and port replaced by --write-via's (unchanged without it).
    public string ForWrites(string connectionString)
    {
        if (WriteVia is null) return connectionString;
        var colon = WriteVia.LastIndexOf(':');
        return new Npgsql.NpgsqlConnectionStringBuilder(connectionString)
        {
            Host = WriteVia[..colon], Port = int.Parse(WriteVia[(colon + 1)..], CultureInfo.InvariantCulture),
        }.ConnectionString;
    }

    public bool Includes(string name) => Only is null || Only.IsMatch(name);

    public static BenchOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var flags = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (!name.StartsWith("--", StringComparison.Ordinal)) throw new ArgumentException($"Unexpected argument '{name}'.");
            if (name is "--quick" or "--show-sql" or "--browsers-idle") { flags.Add(name[2..]); continue; }
            if (i + 1 >= args.Length) throw new ArgumentException($"{name} needs a value.");
            values[name[2..]] = args[++i];
        }
        var known = new[] { "connection", "runs", "naive-runs", "only", "output", "write-seconds", "circuits", "campaign-courses", "write-via", "home-pages", "live-seconds" };
        if (values.Keys.FirstOrDefault(k => !known.Contains(k)) is { } unknown) throw new ArgumentException($"Unknown option --{unknown}.");
        int Int(string name, int fallback, int min) =>
            values.TryGetValue(name, out var v) ? Math.Max(min, int.Parse(v, CultureInfo.InvariantCulture)) : fallback;
        var quick = flags.Contains("quick");
        var options = new BenchOptions(
            values.GetValueOrDefault("connection"),
            Int("runs", 30, 1),
            Int("naive-runs", 5, 1),
            values.TryGetValue("only", out var only) ? new Regex(only, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant) : null,
            values.GetValueOrDefault("output"),
            Int("write-seconds", 10, 1),
            Int("circuits", 50, 1),
            Int("campaign-courses", 10_000, 1))
        {
            Quick = quick, ShowSql = flags.Contains("show-sql"), WriteVia = values.GetValueOrDefault("write-via"),
            HomePages = Int("home-pages", 100, 3), LiveSeconds = Int("live-seconds", 60, 5), BrowsersIdle = flags.Contains("browsers-idle"),
        };
        if (options.WriteVia is { } via && !System.Text.RegularExpressions.Regex.IsMatch(via, @"^[^:;=\s]+:\d{1,5}$"))
            throw new ArgumentException($"--write-via must be host:port, not '{via}'.");
        if (options.Runs < 30 && !quick) throw new ArgumentException("--runs must be at least 30 (add --quick for a development run).");
        return options;
    }
}
