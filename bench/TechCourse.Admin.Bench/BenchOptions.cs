using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.RegularExpressions;

namespace TechCourse.Admin.Bench;

public sealed record BenchOptions(string? Connection, int Runs, int NaiveRuns, Regex? Only, string? Output, int WriteSeconds, int Circuits, int CampaignCourses)
{
    public const int MinimumRuns = 30;

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
}

// The bench's command line: what each option means, its default and its bounds, checked before anything runs
// (a wrong value is a usage error naming the option, never a half-run bench).
public static class BenchCommandLine
{
    public const int UsageError = 2;

    private static readonly Option<string?> Connection = new("--connection")
    {
        Description = "measure an existing full-scale database (owner/superuser connection; pending migrations are applied); "
                      + "default: a throwaway local cluster loaded at the capstone's scale (load time is measured)",
    };
    private static readonly Option<int> Runs = Count("--runs", $"measured runs per side and entry (at least {BenchOptions.MinimumRuns} unless --quick)", 30, 1);
    private static readonly Option<int> NaiveRuns = Count("--naive-runs", "measured runs of the naive version (it takes seconds per run)", 5, 1);
    private static readonly Option<Regex?> Only = new("--only")
    {
        Description = "only entries whose name matches this regular expression (case-insensitive), e.g. \"home|courses\"",
        CustomParser = result => ParseRegex(result),
    };
    private static readonly Option<string?> Output = new("--output") { Description = "also write the results as Markdown (e.g. docs/benchmarks.md)" };
    private static readonly Option<int> WriteSeconds = Count("--write-seconds", "duration of each write-throughput measurement, in seconds", 10, 1);
    private static readonly Option<int> Circuits = Count("--circuits", "interactive circuits for the memory measurement", 50, 1);
    private static readonly Option<int> CampaignCourses = Count("--campaign-courses", "course changes due at once for the campaign scheduler entry", 10_000, 1);
    private static readonly Option<int> HomePages = Count("--home-pages", "home pages open in Chromium for the home live updates entry", 100, 3);
    private static readonly Option<int> LiveSeconds = Count("--live-seconds", "duration of each pass of that entry's paced write load, in seconds", 60, 5);
    private static readonly Option<bool> BrowsersIdle = new("--browsers-idle")
    {
        Description = "run that entry's Chromium under SCHED_IDLE (chrt --idle), so the pages, which stand in for the viewers' own machines, take only the CPU the server leaves",
    };
    private static readonly Option<string?> WriteVia = new("--write-via")
    {
        Description = "the write entries (raw and app side) connect through this host:port, e.g. a PgBouncer in front of the same database with the same logins; the other entries connect directly",
    };
    private static readonly Option<bool> Quick = new("--quick") { Description = $"allow --runs below {BenchOptions.MinimumRuns} (for development; the table says so)" };
    private static readonly Option<bool> ShowSql = new("--show-sql") { Description = "print the statements each app query sends (as captured for the raw side)" };

    static BenchCommandLine()
    {
        // Read from the token: the value itself is only converted after validation.
        Runs.Validators.Add(result =>
        {
            if (result.Tokens.SingleOrDefault() is { } token && int.TryParse(token.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var runs)
                && runs < BenchOptions.MinimumRuns && !result.GetValue(Quick))
                result.AddError($"--runs must be at least {BenchOptions.MinimumRuns} (add --quick for a development run).");
        });
        WriteVia.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } via && !Regex.IsMatch(via, @"^[^:;=\s]+:\d{1,5}$"))
                result.AddError($"--write-via must be host:port, not '{via}'.");
        });
    }

    public static RootCommand Root { get; } = CreateRoot();

    private static RootCommand CreateRoot()
    {
        return new RootCommand("TechCourse Admin benchmarks: each entry beside the raw SQL it sends, at the capstone's scale. "
                                   + "Usage: dotnet run -c Release --project bench/TechCourse.Admin.Bench -- [options]")
        {
            Connection, Runs, NaiveRuns, Only, Output, WriteSeconds, Circuits, CampaignCourses, HomePages, LiveSeconds, BrowsersIdle, WriteVia, Quick, ShowSql,
        };
    }

    public static BenchOptions Options(ParseResult parsed) =>
        new(parsed.GetValue(Connection), parsed.GetValue(Runs), parsed.GetValue(NaiveRuns), parsed.GetValue(Only), parsed.GetValue(Output),
            parsed.GetValue(WriteSeconds), parsed.GetValue(Circuits), parsed.GetValue(CampaignCourses))
        {
            Quick = parsed.GetValue(Quick), ShowSql = parsed.GetValue(ShowSql), WriteVia = parsed.GetValue(WriteVia),
            HomePages = parsed.GetValue(HomePages), LiveSeconds = parsed.GetValue(LiveSeconds), BrowsersIdle = parsed.GetValue(BrowsersIdle),
        };

    private static Option<int> Count(string name, string description, int fallback, int minimum) => new(name)
    {
        Description = $"{description} (at least {minimum:N0})",
        DefaultValueFactory = _ => fallback,
        CustomParser = result =>
        {
            if (int.TryParse(result.Tokens.Single().Value, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= minimum) return value;
            result.AddError($"{name} must be a whole number of at least {minimum:N0}, not '{result.Tokens.Single().Value}'.");
            return fallback;
        },
    };

    private static Regex? ParseRegex(ArgumentResult result)
    {
        var pattern = result.Tokens.Single().Value;
        try
        {
            return new Regex(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        }
        catch (ArgumentException e)
        {
            result.AddError($"--only is not a regular expression: {e.Message}");
            return null;
        }
    }
}
