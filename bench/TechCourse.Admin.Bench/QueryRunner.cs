using Npgsql;

namespace TechCourse.Admin.Bench;

public sealed record NaiveResult(string Label, Stats Stats);

public sealed record QueryResult(string Name, Stats? Limit, Stats? App, NaiveResult? Naive, string? Error)
{
    public double? Ratio => Limit is { } l && App is { } a && l.Median > 0 ? a.Median / l.Median : null;
    public double? SpeedUp => Naive is { } n && App is { } a && a.Median > 0 ? n.Stats.Median / a.Median : null;
}

/// Runs each entry's limit and app side alternately (same arguments per run; the order flips every run so neither
/// side always comes second into a warm cache), after discarded warm-up runs; then the naive version.
public sealed class QueryRunner(BenchContext context, string runtimeConnectionString, BenchOptions options)
{
    public async Task<QueryResult> RunAsync(QueryEntry entry, CancellationToken ct)
    {
        try
        {
            await using var raw = new NpgsqlConnection(runtimeConnectionString);
            await raw.OpenAsync(ct);
            var warmUp = Math.Max(3, options.Runs / 10);
            for (var i = 0; i < warmUp; i++)
            {
                var args = entry.Arguments(context.Sample, i);
                await RawAsync(raw, entry.Sql, args, ct);
                await entry.App(context, args, ct);
            }
            var limit = new List<double>();
            var app = new List<double>();
            for (var i = warmUp; i < warmUp + options.Runs; i++)
            {
                var args = entry.Arguments(context.Sample, i);
                if (i % 2 == 0)
                {
                    limit.Add(await Stats.TimeAsync(() => RawAsync(raw, entry.Sql, args, ct)));
                    app.Add(await Stats.TimeAsync(() => entry.App(context, args, ct)));
                }
                else
                {
                    app.Add(await Stats.TimeAsync(() => entry.App(context, args, ct)));
                    limit.Add(await Stats.TimeAsync(() => RawAsync(raw, entry.Sql, args, ct)));
                }
            }
            var naive = entry.Naive is { } n ? new NaiveResult(n.Label, await NaiveAsync(entry, n, warmUp + options.Runs, ct)) : null;
            return new QueryResult(entry.Name, Stats.Of(limit), Stats.Of(app), naive, null);
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
        await RawAsync(connection, naive.Sql, entry.Arguments(context.Sample, firstRun), ct);
        var samples = new List<double>();
        for (var i = firstRun + 1; i <= firstRun + options.NaiveRuns; i++)
        {
            var args = entry.Arguments(context.Sample, i);
            samples.Add(await Stats.TimeAsync(() => RawAsync(connection, naive.Sql, args, ct)));
        }
        return Stats.Of(samples);
    }

    /// The physical limit: the statement over one open connection, every row read, nothing else.
    public static async Task RawAsync(NpgsqlConnection connection, string sql, Args args, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in args)
            if (sql.Contains("@" + name, StringComparison.Ordinal))
                command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var values = new object[reader.FieldCount];
        do
        {
            while (await reader.ReadAsync(ct)) reader.GetValues(values);
        } while (await reader.NextResultAsync(ct));
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }
}
