using Npgsql;
using TechCourse.Admin.Infrastructure.Auth;

namespace TechCourse.Admin.Bench;

/// The arguments of one run, the same for the raw side, the app side and the naive side of that run.
public sealed class Args : Dictionary<string, object?>
{
    public Args() : base(StringComparer.Ordinal) { }

    public T Get<T>(string name) => (T)this[name]!;
}

/// What an app query class needs to be called as a page calls it: its data source, who is signed in, sample keys.
public sealed record AppCall(NpgsqlDataSource DataSource, Actor Admin, Sample Sample);

/// One query a page runs, called through the app's own class. The raw side (limit) replays the statements that call
/// sent, captured from Npgsql, over one warm connection. Arguments(i) must be deterministic and vary with i.
public sealed record QueryEntry(string Name, Func<Sample, int, Args> Arguments, Func<AppCall, Args, CancellationToken, Task> App)
{
    public Naive? Naive { get; init; }

    /// Set for an entry measured for what it tells about others, which the issues give no goal of its own: the report
    /// says so instead of judging it by the per-query goal.
    public string? NoGoalBecause { get; init; }
}

/// The naive way to get the same answer: its SQL (parameters by name from the same Args) and session settings that
/// force the slow plan (e.g. SET enable_indexscan = off).
public sealed record Naive(string Label, string Sql, string? SessionSetup = null);
