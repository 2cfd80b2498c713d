using Npgsql;

namespace TechCourse.Admin.Bench;

public sealed record NaiveResult(string Label, Stats Stats);

public sealed record QueryResult(string Name, Stats? Limit, Stats? App, NaiveResult? Naive, string? Error)
{
    public string? NoGoalBecause { get; init; }

    public double? Ratio => Limit is { } l && App is { } a && l.Median > 0 ? a.Median / l.Median : null;
    public double? SpeedUp => Naive is { } n && App is { } a && a.Median > 0 ? n.Stats.Median / a.Median : null;
}

/// Runs each entry's limit and app side alternately (same arguments per run; the order flips every run so neither
/// side always comes second into a warm cache), after discarded warm-up runs; then the naive version.
public sealed class QueryRunner(AppCall app, CommandCapture capture, string runtimeConnectionString, BenchOptions options)
{
    public static readonly TimeSpan WarmUpTime = TimeSpan.FromSeconds(1);

    public async Task<QueryResult> RunAsync(QueryEntry entry, CancellationToken ct)
    {
        try
        {
            await using var raw = new NpgsqlConnection(runtimeConnectionString);
            await raw.OpenAsync(ct);
            // At least max(3, runs/10) discarded runs, and for at least a second, so the app side runs optimised code
            // (the JIT recompiles a method after 30 calls) rather than the first tier's.
            var warmUp = Math.Max(3, options.Runs / 10);
            var warming = System.Diagnostics.Stopwatch.StartNew();
            var limit = new List<double>();
            var measured = new List<double>();
            for (var i = 0; limit.Count < options.Runs; i++)
            {
                var args = entry.Arguments(app.Sample, i);
                // Untimed: what the app sends for these arguments, to replay raw.
                var statements = await capture.CaptureAsync(source => entry.App(app with { DataSource = source }, args, ct));
                if (i == 0 && options.ShowSql)
                    foreach (var statement in statements) Console.WriteLine($"  {entry.Name}: {statement.Text.ReplaceLineEndings(" ")} [{string.Join(", ", statement.Parameters.Select(p => $"{p.ParameterName}={p.Value}"))}]");
                var rawTime = () => Stats.TimeAsync(() => ReplayAsync(raw, statements, ct));
                var appTime = () => Stats.TimeAsync(() => entry.App(app, args, ct));
                double l, a;
                if (i % 2 == 0) { l = await rawTime(); a = await appTime(); }
                else { a = await appTime(); l = await rawTime(); }
                if (i < warmUp || warming.Elapsed < WarmUpTime) continue;
                limit.Add(l);
                measured.Add(a);
            }
            var naive = entry.Naive is { } n ? new NaiveResult(n.Label, await NaiveAsync(entry, n, warmUp + options.Runs, ct)) : null;
            return new QueryResult(entry.Name, Stats.Of(limit), Stats.Of(measured), naive, null) { NoGoalBecause = entry.NoGoalBecause };
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or InvalidCastException or ArgumentException or KeyNotFoundException)
        {
            return new QueryResult(entry.Name, null, null, null, $"{e.GetType().Name}: {e.Message}");
        }
    }

    private async Task<Stats> NaiveAsync(QueryEntry entry, Naive naive, int firstRun, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(runtimeConnectionString);
        await connection.OpenAsync(ct);
        if (naive.SessionSetup is { } setup) await ExecuteAsync(connection, setup, ct);
        await RawAsync(connection, naive.Sql, entry.Arguments(app.Sample, firstRun), ct);
        var samples = new List<double>();
        for (var i = firstRun + 1; i <= firstRun + options.NaiveRuns; i++)
        {
            var args = entry.Arguments(app.Sample, i);
            samples.Add(await Stats.TimeAsync(() => RawAsync(connection, naive.Sql, args, ct)));
        }
        return Stats.Of(samples);
    }

    /// The physical limit: the app's statements over one open connection, every row read, nothing else.
    public static async Task ReplayAsync(NpgsqlConnection connection, IReadOnlyList<CapturedCommand> statements, CancellationToken ct)
    {
        foreach (var statement in statements)
        {
            await using var command = statement.ToCommand(connection);
            await ReadAllAsync(command, ct);
        }
    }

    public static async Task RawAsync(NpgsqlConnection connection, string sql, Args args, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in args)
            if (sql.Contains("@" + name, StringComparison.Ordinal))
                command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        await ReadAllAsync(command, ct);
    }

    private static async Task ReadAllAsync(NpgsqlCommand command, CancellationToken ct)
    {
        await using var reader = await command.ExecuteReaderAsync(ct);
        do
        {
            var values = new object[reader.FieldCount];
            while (await reader.ReadAsync(ct)) reader.GetValues(values);
        } while (await reader.NextResultAsync(ct));
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }
}
