using System.CommandLine;
using System.Diagnostics;
using Npgsql;
using TechCourse.Admin.Bench;
using TechCourse.Admin.Infrastructure.Auth;

var parsed = BenchCommandLine.Root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors) Console.Error.WriteLine(error.Message);
    Console.Error.WriteLine("See --help for the options.");
    return BenchCommandLine.UsageError;
}
// --help (or --version): the parser's own action prints it.
if (parsed.Action is not null) return await parsed.InvokeAsync();
var options = BenchCommandLine.Options(parsed);

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};
var ct = cancellation.Token;
using var loggers = LoggerFactory.Create(logging => logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
var logger = loggers.CreateLogger("TechCourse.Admin.Bench");
var started = DateTimeOffset.UtcNow;
var clock = Stopwatch.StartNew();
var results = new Results();
var commandLine = "dotnet run -c Release --project bench/TechCourse.Admin.Bench -- " + string.Join(' ', args.Select(a => a.Contains(' ', StringComparison.Ordinal) || a.Contains('|', StringComparison.Ordinal) ? $"\"{a}\"" : a));
commandLine = System.Text.RegularExpressions.Regex.Replace(commandLine, "Password=[^;\" ]*", "Password=…");

await using var database = await BenchDatabase.OpenAsync(options, logger, ct);
results.Load = database.Load;
var machine = await Machine.DescribeAsync(database.OwnerConnectionString, options.Connection is null, ct);
// Queries and pages need the full-scale sample; the write entries alone do not, so a smaller database does for them.
Sample? sample = null;
async Task<Sample> SampleAsync() => sample ??= await Sample.LoadAsync(database.OwnerConnectionString, ct);
// The app's data source settings (statement timeout, pooled connections reused without DISCARD ALL), as the app builds them.
var appConnectionString = TechCourse.Admin.Infrastructure.Database.DatabaseTuning.Runtime(database.RuntimeConnectionString, new TechCourse.Admin.Infrastructure.Database.DatabaseOptions().StatementTimeoutSeconds);
await using var runtime = CommandCapture.Untraced(appConnectionString);
using var capture = new CommandCapture(appConnectionString);

// The raw and naive sides may run for minutes (naive aggregates over 5M rows on a busy machine): no 30 s command timeout there.
var rawConnectionString = new NpgsqlConnectionStringBuilder(database.RuntimeConnectionString) { CommandTimeout = 600 }.ConnectionString;
var queryEntries = QueryCatalog.All.Where(e => options.Includes(e.Name)).ToList();
if (queryEntries.Count > 0)
{
    var queries = new QueryRunner(new AppCall(runtime, database.StaffActor, await SampleAsync()), capture, rawConnectionString, options);
    foreach (var entry in queryEntries)
    {
        Console.WriteLine($"query: {entry.Name}…");
        results.Queries.Add(await queries.RunAsync(entry, ct));
    }
}

await WriteAsync(final: false);

foreach (var entry in MaintenanceCatalog.All.Where(e => options.Includes(e.Name)))
{
    Console.WriteLine($"maintenance: {entry.Name}…");
    var watch = Stopwatch.StartNew();
    try
    {
        var detail = await entry.Run(database, ct);
        results.Maintenance.Add((entry.Name, watch.Elapsed, detail));
    }
    catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
    {
        results.Maintenance.Add((entry.Name, null, $"failed: {e.Message}"));
    }
}

await WriteAsync(final: false);

var pages = PageCatalog.All.Where(e => options.Includes(e.Name)).ToList();
var memory = options.Includes("memory circuits");
var browserPages = options.Includes("browser pages");
var exports = ExportCatalog.All.Where(e => options.Includes(e.Name)).ToList();
if (pages.Count > 0 || memory || browserPages || exports.Count > 0)
{
    Console.WriteLine($"Starting the app ({AppHost.AppAssembly})…");
    await using var app = await AppHost.StartAsync(database);
    using var runner = new PageRunner(app, await SampleAsync(), options);
    await runner.SignInAsync(database, pages.Select(p => p.Role).Append(StaffRoles.Admin), ct);
    foreach (var entry in pages)
    {
        Console.WriteLine($"page: {entry.Name}…");
        results.Pages.Add(await runner.RunAsync(entry, ct));
    }
    await WriteAsync(final: false);
    foreach (var entry in exports)
    {
        Console.WriteLine($"export: {entry.Name}…");
        using var client = await app.SignedInClientAsync(BenchDatabase.StaffEmail, BenchDatabase.StaffPassword, ct);
        results.Exports.Add(await ExportRunner.RunAsync(app, client, entry, ct));
        await WriteAsync(final: false);
    }
    if (browserPages)
    {
        results.Browser = await BrowserRunner.RunAsync(app, options.Quick ? Math.Max(5, options.Runs) : options.Runs, ct);
        await WriteAsync(final: false);
    }
    if (memory) results.Memory = await MemoryRunner.RunAsync(app, options.Circuits, ct);
}

await WriteAsync(final: false);

var writes = WriteCatalog.All.Where(e => options.Includes(e.Name)).ToList();
if (writes.Count > 0)
{
    await using var writeRuntime = options.WriteVia is null ? null : CommandCapture.Untraced(options.ForWrites(appConnectionString));
    var writer = new WriteRunner(database, writeRuntime ?? runtime, options);
    var keys = await writer.PrepareAsync(ct);
    try
    {
        foreach (var entry in writes)
        {
            Console.WriteLine($"write: {entry.Name}…");
            results.Writes.Add(await writer.RunAsync(entry, keys, ct));
        }
    }
    finally
    {
        await writer.CleanUpAsync(CancellationToken.None);
    }
}

var bulkPreview = options.Includes(CampaignBulkRunner.PreviewName);
var bulkApply = options.Includes(CampaignBulkRunner.ApplyName);
if (bulkPreview || bulkApply)
{
    results.CampaignBulk.AddRange(await new CampaignBulkRunner(database, runtime, capture, options).RunAsync(bulkPreview, bulkApply, ct));
    await WriteAsync(final: false);
}
if (options.Includes(CampaignSchedulerRunner.Name))
{
    var writer = new WriteRunner(database, runtime, options);
    var keys = await writer.PrepareAsync(ct);
    try
    {
        results.Scheduler.AddRange(await new CampaignSchedulerRunner(database, runtime, writer, options).RunAsync(keys, ct));
    }
    finally
    {
        await writer.CleanUpAsync(CancellationToken.None);
    }
}

if (options.Includes(HomeLiveRunner.Name))
{
    results.Live = await HomeLiveRunner.RunAsync(database, runtime, options.HomePages, options.LiveSeconds, options.BrowsersIdle, ct);
    await WriteAsync(final: false);
}

async Task WriteAsync(bool final)
{
    var markdown = Report.Render(results, machine, options, commandLine, started, clock.Elapsed);
    if (final)
    {
        Console.WriteLine();
        Console.WriteLine(markdown);
    }
    if (options.Output is { } output)
    {
        var path = Path.IsPathRooted(output) ? output : Path.Combine(AppHost.RepositoryRoot, output);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllTextAsync(path, final ? markdown : markdown + Environment.NewLine + "_(partial: the run was still going when this was written)_" + Environment.NewLine, CancellationToken.None);
        if (final) Console.WriteLine($"Written to {path}");
    }
}

await WriteAsync(final: true);
return 0;
