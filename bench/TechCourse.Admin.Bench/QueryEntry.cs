using Npgsql;

namespace TechCourse.Admin.Bench;

/// The parameters of one run, the same for the raw SQL and the app call of that run.
public sealed class Args : Dictionary<string, object?>
{
    public Args() : base(StringComparer.Ordinal) { }

    public T Get<T>(string name) => (T)this[name]!;
}

/// What the app's query classes need: the runtime data source (as in the app) and who acts.
public sealed record BenchContext(NpgsqlDataSource DataSource, BenchDatabase Database, Sample Sample);

/// One measured query: the app's SQL raw (limit), the app's own call, and optionally the naive way.
/// Arguments(i) must be deterministic and vary with i so no run can reuse another's result.
public sealed record QueryEntry(
    string Name,
    string Sql,
    Func<Sample, int, Args> Arguments,
    Func<BenchContext, Args, CancellationToken, Task> App)
{
    public Naive? Naive { get; init; }
}

/// The naive version: its own SQL (with the same arguments) and session settings that force the slow plan.
public sealed record Naive(string Label, string Sql, string? SessionSetup = null);
