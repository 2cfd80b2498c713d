using System.Diagnostics;
using System.Net;
using TechCourse.Admin.Infrastructure.Auth;

namespace TechCourse.Admin.Bench;

/// One page: its address for run i, a piece of HTML that only the successful render contains, and the staff role it is
/// measured as (each role's home page is a different page).
public sealed record PageEntry(string Name, Func<Sample, int, string> Path, string Expect, string Role = StaffRoles.Admin);

public sealed record PageResult(string Name, Stats? One, Stats? Eight, string? Error);

/// Times the prerendered response of a GET as a signed-in user of the entry's role (the whole server render, no circuit).
public sealed class PageRunner(AppHost app, Sample sample, BenchOptions options) : IDisposable
{
    public const int Concurrency = 8;
    public const int MinWarmUp = 3;
    public static readonly TimeSpan WarmUpTime = TimeSpan.FromSeconds(3);
    private int PerClient => (options.Runs + Concurrency - 1) / Concurrency;
    private readonly Dictionary<string, List<HttpClient>> signedIn = new(StringComparer.Ordinal);

    public async Task SignInAsync(BenchDatabase database, IEnumerable<string> roles, CancellationToken ct)
    {
        foreach (var role in roles.Distinct())
        {
            var email = await database.StaffLoginAsync(role, ct);
            var clients = new List<HttpClient>();
            signedIn[role] = clients;
            for (var k = 0; k < Concurrency; k++) clients.Add(await app.SignedInClientAsync(email, BenchDatabase.StaffPassword, ct));
        }
    }

    public async Task<PageResult> RunAsync(PageEntry entry, CancellationToken ct)
    {
        try
        {
            var clients = signedIn[entry.Role];
            // Until the page's code has left the JIT's first tier (a method is recompiled optimised after 30 calls, in
            // the background): a few requests measure a freshly started server, not the one that serves all day.
            var warmUp = 0;
            var warming = Stopwatch.StartNew();
            while (warmUp < MinWarmUp || warming.Elapsed < WarmUpTime) await GetAsync(clients[0], entry, warmUp++, ct);
            var one = new List<double>();
            for (var i = warmUp; i < warmUp + options.Runs; i++)
            {
                var run = i;
                one.Add(await Stats.TimeAsync(() => GetAsync(clients[0], entry, run, ct)));
            }
            // The same warm-up at 8 clients: the one-client runs warmed one pooled connection, and a server session's
            // first statements on a table load its catalog entries, which the first request on each other session pays.
            var concurrentWarmUp = Stopwatch.StartNew();
            var warmed = warmUp + options.Runs;
            while (concurrentWarmUp.Elapsed < WarmUpTime)
            {
                await RunConcurrentlyAsync(clients, entry, warmed, 1, ct);
                warmed += Concurrency;
            }
            var eight = await RunConcurrentlyAsync(clients, entry, warmed, PerClient, ct);
            return new PageResult(entry.Name, Stats.Of(one), Stats.Of(eight), null);
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException or TaskCanceledException)
        {
            return new PageResult(entry.Name, null, null, e.Message);
        }
    }

    private async Task<List<double>> RunConcurrentlyAsync(List<HttpClient> clients, PageEntry entry, int firstRun, int perClient, CancellationToken ct)
    {
        var times = new List<double>();
        var workers = clients.Select((client, k) => Task.Run(async () =>
        {
            var mine = new List<double>();
            for (var i = 0; i < perClient; i++)
            {
                var run = firstRun + i * Concurrency + k;
                mine.Add(await Stats.TimeAsync(() => GetAsync(client, entry, run, ct)));
            }
            lock (times) times.AddRange(mine);
        }, ct)).ToArray();
        await Task.WhenAll(workers);
        return times;
    }

    private async Task GetAsync(HttpClient client, PageEntry entry, int run, CancellationToken ct)
    {
        var path = entry.Path(sample, run);
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode != HttpStatusCode.OK || !body.Contains(entry.Expect, StringComparison.Ordinal))
            throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode} without \"{entry.Expect}\"; not a successful render.");
    }

    public void Dispose()
    {
        foreach (var client in signedIn.Values.SelectMany(c => c)) client.Dispose();
    }
}
