using System.Collections.Concurrent;
using System.Diagnostics;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using TechCourse.Admin.Features.Campaigns;

namespace TechCourse.Admin.Bench;

public sealed record Lateness(int Changes, int Steps, double P50Ms, double P99Ms, double MaxMs, int Missing);

public sealed record SchedulerResult(string Name, int Courses, int Campaigns, string Step, Lateness? Late, string WriteName, Throughput? Alone, Throughput? During, string? Error)
{
    public double? Kept => Alone is { PerSecond: > 0 } a && During is { } d ? d.PerSecond / a.PerSecond : null;
}

// The scheduler of one app instance (its own CampaignScheduler on the app's data source, default settings) applying
// the starts of Courses course changes due at the same instant, one campaign per instructor, while the price-change
// writers run; then their ends, while the enrollment writers run. Each write path is measured alone just before, with
// the scheduler running and nothing due. A change's lateness is from its due instant to the commit of its campaign's
// step (the scheduler's notice after the commit).
public sealed class CampaignSchedulerRunner(BenchDatabase database, NpgsqlDataSource runtime, WriteRunner writer, BenchOptions options)
{
    public const string Name = "campaign scheduler, course changes due at once";
    private static readonly TimeSpan DueAfterWarmUp = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan StepsTimeout = TimeSpan.FromMinutes(5);

    public async Task<IReadOnlyList<SchedulerResult>> RunAsync(WriteKeys keys, CancellationToken ct)
    {
        var courses = options.CampaignCourses;
        var priceChange = WriteCatalog.All.Single(e => e.Name == "price change");
        var enrollment = WriteCatalog.All.Single(e => e.Name == "enrollment insert");
        try
        {
            Console.WriteLine($"campaign: adding {courses:N0} courses and scheduling a campaign per instructor…");
            var campaigns = await ScheduleAsync(courses, ct);
            var feed = new CampaignFeed(NullLogger<CampaignFeed>.Instance);
            var committed = new ConcurrentQueue<(int Campaign, long At)>();
            using var _ = feed.Subscribe(id =>
            {
                committed.Enqueue((id, Stopwatch.GetTimestamp()));
                return Task.CompletedTask;
            });
            var scheduler = new CampaignScheduler(new CampaignSteps(runtime), Options.Create(new CampaignSettings()), NullLogger<CampaignScheduler>.Instance, feed);
            await scheduler.StartAsync(ct);
            try
            {
                Console.WriteLine("campaign: price changes alone…");
                var priceAlone = await writer.MeasureAppAsync(priceChange, keys, ct);
                Console.WriteLine("campaign: enrollments alone…");
                var enrollAlone = await writer.MeasureAppAsync(enrollment, keys, ct);
                // The same students enroll again beside the ends: their first enrollments go first.
                await writer.CleanUpAsync(ct);

                Console.WriteLine($"campaign: {courses:N0} starts due at once, beside the price changes…");
                var (starts, priceDuring) = await StepsBesideAsync("starts_at", campaigns, committed, () => writer.MeasureAppAsync(priceChange, keys, ct), ct);
                Console.WriteLine($"campaign: {courses:N0} ends due at once, beside the enrollments…");
                var (ends, enrollDuring) = await StepsBesideAsync("ends_at", campaigns, committed, () => writer.MeasureAppAsync(enrollment, keys, ct), ct);
                var changes = await CampaignChangesAsync(ct);
                if (changes != 2L * courses)
                    throw new InvalidOperationException($"{changes:N0} campaign price changes were logged where {2 * courses:N0} (each start and end once) were expected.");
                return
                [
                    new(Name, courses, campaigns.Count, "start (apply)", starts, priceChange.Name, priceAlone, priceDuring, null),
                    new(Name, courses, campaigns.Count, "end (revert)", ends, enrollment.Name, enrollAlone, enrollDuring, null),
                ];
            }
            finally
            {
                await scheduler.StopAsync(CancellationToken.None);
            }
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return [new(Name, courses, 0, "", null, "", null, null, $"{e.GetType().Name}: {e.Message}")];
        }
    }

    // Makes the step (starts_at or ends_at) of every bench campaign due at the same instant, just after the writers'
    // warm-up, measures the writers meanwhile, and waits until every campaign has run it.
    private async Task<(Lateness, Throughput)> StepsBesideAsync(string column, IReadOnlyDictionary<int, int> campaigns, ConcurrentQueue<(int Campaign, long At)> committed,
        Func<Task<Throughput>> measure, CancellationToken ct)
    {
        committed.Clear();
        var due = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(WriteRunner.WarmUpSeconds) + DueAfterWarmUp;
        var dueTimestamp = Stopwatch.GetTimestamp() + (long)((due - DateTimeOffset.UtcNow).TotalSeconds * Stopwatch.Frequency);
        await MoveAsync(column, due, ct);
        var writes = await measure();
        var deadline = Stopwatch.GetTimestamp() + (long)(StepsTimeout.TotalSeconds * Stopwatch.Frequency);
        while (committed.Select(c => c.Campaign).Distinct().Count() < campaigns.Count && Stopwatch.GetTimestamp() < deadline) await Task.Delay(100, ct);
        var firsts = committed.GroupBy(c => c.Campaign).ToDictionary(g => g.Key, g => g.Min(c => c.At));
        var late = campaigns.Where(c => firsts.ContainsKey(c.Key))
            .SelectMany(c => Enumerable.Repeat((firsts[c.Key] - dueTimestamp) * 1000.0 / Stopwatch.Frequency, c.Value)).Order().ToArray();
        if (late.Length == 0) throw new TimeoutException($"No campaign ran its {column} step within {StepsTimeout.TotalMinutes} minutes.");
        double Rank(double p) => late[Math.Clamp((int)Math.Ceiling(p * late.Length) - 1, 0, late.Length - 1)];
        return (new Lateness(late.Length, firsts.Count, Rank(0.50), Rank(0.99), late[^1], campaigns.Count - firsts.Count), writes);
    }

    // Adds the courses (instructors in turn, prices 10.00 to 199.00), and schedules one campaign per instructor through
    // the app's store, as the bench admin, an hour ahead (then moved). Returns each campaign's number of courses.
    private async Task<IReadOnlyDictionary<int, int>> ScheduleAsync(int courses, CancellationToken ct)
    {
        await using var owner = new NpgsqlConnection(database.OwnerConnectionString);
        await owner.OpenAsync(ct);
        var groups = (await owner.QueryAsync<(Guid Instructor, int[] Courses)>(new CommandDefinition($"""
            WITH i AS (SELECT user_id, row_number() OVER (ORDER BY user_id) - 1 AS n, count(*) OVER () AS total FROM users WHERE role = 'Instructor'),
            added AS (
                INSERT INTO courses (instructor_id, title, price, is_published)
                SELECT i.user_id, '{CampaignBench.SchedulerCoursePrefix}' || k, 10 + (k * 37) % 190, true
                FROM generate_series(1, @courses) k JOIN i ON i.n = k % i.total
                RETURNING course_id, instructor_id)
            SELECT instructor_id, array_agg(course_id ORDER BY course_id) FROM added GROUP BY instructor_id
            """, new { courses }, commandTimeout: 600, cancellationToken: ct))).ToList();
        var operation = new PriceOperation(PriceOperationKind.Percent, -20m, 0.99m);
        var start = DateTimeOffset.UtcNow.AddHours(1);
        var created = new ConcurrentDictionary<int, int>();
        await Parallel.ForEachAsync(groups, new ParallelOptions { MaxDegreeOfParallelism = WriteRunner.Workers, CancellationToken = ct }, async (group, token) =>
        {
            var preview = await new CampaignPreviews(runtime).PreviewAsync(database.StaffActor, CourseSelection.Of(group.Courses), operation, start, start.AddHours(1), token);
            var result = await new CampaignsStore(runtime).ScheduleAsync(database.StaffActor, preview,
                new CampaignPlan("bench scheduled campaign", operation, "America/New_York", start, start.AddHours(1)), token);
            if (result is not { Succeeded: true, CampaignId: { } id }) throw new InvalidOperationException($"A campaign was refused: {result.Message}");
            created[id] = preview.ChangingCount;
        });
        campaignIds = [.. created.Keys];
        return created;
    }

    private int[] campaignIds = [];

    private async Task MoveAsync(string column, DateTimeOffset due, CancellationToken ct)
    {
        // Moves the whole campaign so its step falls at due; the start an hour before its end, as scheduled.
        await using var owner = new NpgsqlConnection(database.OwnerConnectionString);
        await owner.OpenAsync(ct);
        await owner.ExecuteAsync(new CommandDefinition($"""
            UPDATE price_campaigns c SET starts_at = c.starts_at + (@due - c.{column}), ends_at = c.ends_at + (@due - c.{column}),
                   next_due_at = c.next_due_at + (@due - c.{column})
            WHERE c.campaign_id = ANY (@ids);
            UPDATE price_campaign_courses i SET period = price_campaign_period(c.starts_at, c.ends_at)
            FROM price_campaigns c WHERE c.campaign_id = i.campaign_id AND i.campaign_id = ANY (@ids);
            """, new { due, ids = campaignIds }, commandTimeout: 600, cancellationToken: ct));
    }

    private async Task<long> CampaignChangesAsync(CancellationToken ct)
    {
        await using var owner = new NpgsqlConnection(database.OwnerConnectionString);
        await owner.OpenAsync(ct);
        return await owner.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM price_changes WHERE campaign_id = ANY (@ids)", new { ids = campaignIds }, commandTimeout: 600, cancellationToken: ct));
    }
}
