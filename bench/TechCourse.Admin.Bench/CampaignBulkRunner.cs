using Npgsql;
using TechCourse.Admin.Features.Campaigns;

namespace TechCourse.Admin.Bench;

public sealed record CampaignBulkResult(string Name, string RawLabel, Stats? Raw, string AppLabel, Stats? App, string? Error)
{
    public double? Ratio => Raw is { Median: > 0 } r && App is { } a ? a.Median / r.Median : null;
}

// A bulk price change on CourseCount courses, previewed and applied now, beside the raw SQL. Each run takes the next
// block of courses, so no run reads what the one before left in a cache; the two sides alternate which goes first.
public sealed class CampaignBulkRunner(BenchDatabase database, NpgsqlDataSource runtime, CommandCapture capture, BenchOptions options)
{
    public const int CourseCount = 1_000;
    public const string PreviewName = "campaign preview, 1,000 courses";
    public const string ApplyName = "campaign apply now, 1,000 courses";
    private static readonly PriceOperation TenUp = new(PriceOperationKind.Percent, 10m);

    public async Task<IReadOnlyList<CampaignBulkResult>> RunAsync(bool preview, bool apply, CancellationToken ct)
    {
        var courses = await CampaignBench.CatalogCoursesAsync(database, ct);
        var results = new List<CampaignBulkResult>();
        if (preview) results.Add(await MeasureAsync(PreviewName, courses, PreviewSidesAsync, ct));
        if (apply) results.Add(await MeasureAsync(ApplyName, courses, ApplySidesAsync, ct));
        return results;
    }

    private const string PreviewRaw = "the preview's statement, captured from the app's call, replayed over one warm connection (runtime login)";
    private const string PreviewApp = "CampaignPreviews.PreviewAsync (admin, 1,000 course ids, +10 %): prices now, the new price by price_campaign_price, overlaps, rows mapped";
    private const string ApplyRaw = "UPDATE courses SET price = round(price * 1.1, 2) WHERE course_id = ANY(@ids) (owner; the audit trigger writes 1,000 entries)";
    private const string ApplyApp = "CampaignsStore.ApplyNowAsync (runtime login, RLS, actor; price_campaign_apply_now: campaign, 1,000 expected prices checked, 1,000 entries with its id, settled; one transaction)";

    private async Task<(double Raw, double App)> PreviewSidesAsync(NpgsqlConnection raw, int[] block, bool rawFirst, CancellationToken ct)
    {
        var selection = CourseSelection.Of(block);
        var statements = await capture.CaptureAsync(source => new CampaignPreviews(source).PreviewAsync(database.StaffActor, selection, TenUp, null, null, ct));
        var rawTime = () => Stats.TimeAsync(() => QueryRunner.ReplayAsync(raw, statements, ct));
        var appTime = () => Stats.TimeAsync(() => new CampaignPreviews(runtime).PreviewAsync(database.StaffActor, selection, TenUp, null, null, ct));
        return await CampaignBench.BothAsync(rawTime, appTime, rawFirst);
    }

    private async Task<(double Raw, double App)> ApplySidesAsync(NpgsqlConnection raw, int[] block, bool rawFirst, CancellationToken ct)
    {
        // Both sides raise the same block by 10 %; the app's side is previewed (untimed) just before it applies.
        var rawTime = () => Stats.TimeAsync(async () =>
        {
            await using var command = new NpgsqlCommand("UPDATE courses SET price = round(price * 1.1, 2) WHERE course_id = ANY(@ids)", raw);
            command.Parameters.AddWithValue("ids", block);
            await command.ExecuteNonQueryAsync(ct);
        });
        async Task<double> AppTime()
        {
            var preview = await new CampaignPreviews(runtime).PreviewAsync(database.StaffActor, CourseSelection.Of(block), TenUp, null, null, ct);
            CampaignResult? result = null;
            var time = await Stats.TimeAsync(async () => result = await new CampaignsStore(runtime).ApplyNowAsync(database.StaffActor, preview,
                new CampaignPlan("bench bulk change", TenUp, "UTC", null, null), ct));
            if (result is not { Succeeded: true }) throw new InvalidOperationException($"The bulk change was refused: {result?.Message}");
            if (preview.ChangingCount != block.Length) throw new InvalidOperationException($"Only {preview.ChangingCount} of {block.Length} courses would change.");
            return time;
        }
        return await CampaignBench.BothAsync(rawTime, AppTime, rawFirst);
    }

    private async Task<CampaignBulkResult> MeasureAsync(string name, int[] courses,
        Func<NpgsqlConnection, int[], bool, CancellationToken, Task<(double Raw, double App)>> sides, CancellationToken ct)
    {
        var (rawLabel, appLabel) = name == PreviewName ? (PreviewRaw, PreviewApp) : (ApplyRaw, ApplyApp);
        Console.WriteLine($"campaign: {name}…");
        try
        {
            await using var raw = new NpgsqlConnection(name == PreviewName ? database.RuntimeConnectionString : database.OwnerConnectionString);
            await raw.OpenAsync(ct);
            var warmUp = Math.Max(3, options.Runs / 10);
            var rawTimes = new List<double>();
            var appTimes = new List<double>();
            for (var i = 0; rawTimes.Count < options.Runs; i++)
            {
                var block = CampaignBench.Block(courses, i, CourseCount);
                var (r, a) = await sides(raw, block, i % 2 == 0, ct);
                if (i < warmUp) continue;
                rawTimes.Add(r);
                appTimes.Add(a);
            }
            return new CampaignBulkResult(name, rawLabel, Stats.Of(rawTimes), appLabel, Stats.Of(appTimes), null);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            return new CampaignBulkResult(name, rawLabel, null, appLabel, null, $"{e.GetType().Name}: {e.Message}");
        }
    }
}
