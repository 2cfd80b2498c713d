using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Dapper;
using Npgsql;
using Microsoft.Playwright;
using TechCourse.Admin.Components.Display;
using TechCourse.Admin.Features.Courses;
using TechCourse.Admin.Features.Enrollments;
using TechCourse.Admin.Infrastructure.Auth;

namespace TechCourse.Admin.Bench;

/// One pass of the paced write load: what was written, the CPU the app process (and the database cluster) used
/// meanwhile, the home reads the app did, and (with pages open) how late each page showed the final figures.
public sealed record LivePass(int Pages, double Seconds, long PriceChanges, long Enrollments, int Errors, string? FirstError, double AppCpuSeconds, double DatabaseCpuSeconds, double BrowserCpuSeconds,
    long Reads, int ReadKinds, double MinReadIntervalMs, IReadOnlyDictionary<string, long> ReadsByKind, IReadOnlyList<double> DelaysMs, int PagesNotFinal,
    IReadOnlyList<(string Thread, double Seconds)> AppThreads, IReadOnlyList<LiveKindLag> Lags)
{
    public double AppCores => AppCpuSeconds / Seconds;
    public double DatabaseCores => DatabaseCpuSeconds / Seconds;
    public double BrowserCores => BrowserCpuSeconds / Seconds;
}

/// Where one kind's pages spent the time between the last write's commit and their final figures: the first read of the
/// kind to start after that commit (how long after it, and how long it took), then the pages' own delays.
public sealed record LiveKindLag(string Kind, double? ReadStartedAfterMs, double? ReadTookMs, double MedianPageMs, double SlowestPageMs);

public sealed record LiveResult(string Name, int Pages, int InstructorPages, int AccountingPages, int AdminPages, int Instructors, int Rate, bool BrowsersIdle, LivePass? Idle, LivePass? Open, string? Error)
{
    public double? LiveCores => Idle is { } i && Open is { } o ? o.AppCores - i.AppCores : null;
}

/// Home pages open in Chromium (one context, one circuit each: instructors' own pages, accounting's and the admin's)
/// while the bench writes, paced, Rate price changes and Rate enrollments a second through the app's own write paths
/// (CoursesStore.UpdatePriceAsync, EnrollmentsQueries.EnrollAsync, in the bench process on the runtime login, as the
/// bench admin) to the courses of the instructors whose pages are open. The app is its own child process, so its CPU
/// time is read from /proc; the same load runs first with no page open (what sealing, folding and the listener cost
/// without a viewer) and then with the pages open: the difference is the live updates' cost. After the last write,
/// every page's displayed figures (today's revenue and enrollments; the newest price change where the page lists
/// them) are compared with a recomputation from enrollments and price_changes, and the delay is from the last write's
/// commit to the moment the page showed the final figures (a MutationObserver in the page stamps every change).
public static partial class HomeLiveRunner
{
    public const string Name = "home live updates";
    public const int Rate = 50;
    public const int WarmUpSeconds = 10;
    private const int OpenAtOnce = 4;
    private const string Password = "bench-live-home-2026-pages";
    private const string AccountingEmail = BenchDatabase.AccountingEmail;
    private const string StudentPrefix = "bench-live-student-";
    private static readonly TimeSpan FinalTimeout = TimeSpan.FromSeconds(30);

    // Today's figures on every kind; the newest price change on the pages that list them (not the accounting page).
    private const string TodayRevenue = "[data-testid=period-0-revenue]";
    private const string TodayEnrollments = "[data-testid=period-0-enrollments]";
    private const string InstructorChange = "[data-testid=latest-price-changes] tbody tr:first-child td:nth-child(3)";
    private const string AdminChange = "[data-testid=recent-price-changes] tbody tr:first-child td:nth-child(3)";

    private sealed record Viewer(string Kind, Guid? Instructor, string Email, string[] Selectors)
    {
        public (string Kind, Guid? Instructor) Scope => (Kind, Instructor);
    }

    private sealed record OpenPage(Viewer Viewer, IBrowserContext Context, IPage Page);

    public static async Task<LiveResult> RunAsync(BenchDatabase database, NpgsqlDataSource runtime, int pages, int seconds, bool browsersIdle, CancellationToken ct)
    {
        var instructorPages = pages / 3 + (pages % 3 > 0 ? 1 : 0);
        var accountingPages = (pages - instructorPages) / 2;
        var adminPages = pages - instructorPages - accountingPages;
        try
        {
            Console.WriteLine($"home live: preparing {instructorPages} instructors, an accounting login and the students…");
            var setup = await PrepareAsync(database, instructorPages, ct);
            var viewers = setup.Instructors.Select(i => new Viewer("instructor", i.Id, i.Email, [TodayRevenue, TodayEnrollments, InstructorChange]))
                .Concat(Enumerable.Range(0, accountingPages).Select(_ => new Viewer("accounting", null, AccountingEmail, [TodayRevenue, TodayEnrollments])))
                .Concat(Enumerable.Range(0, adminPages).Select(_ => new Viewer("admin", null, BenchDatabase.StaffEmail, [TodayRevenue, TodayEnrollments, AdminChange])))
                .ToList();
            var reads = new ConcurrentQueue<(string Kind, int Scopes, long At, long Ms)>();
            var environment = new Dictionary<string, string>
            {
                ["Logging__LogLevel__TechCourse.Admin.Features.Home.HomeLive"] = "Debug",
                ["Logging__Console__FormatterOptions__SingleLine"] = "true",
                ["RateLimiting__SignInPerIpPerMinute"] = "10000",
            };
            Console.WriteLine("home live: starting the app…");
            await using var app = await AppHost.StartAsync(database, environment);
            app.KeepOutput = false;
            app.Line += line =>
            {
                var m = ReadLine().Match(line);
                if (m.Success)
                    reads.Enqueue((m.Groups[1].Value, int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), long.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture),
                        long.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture)));
            };
            var load = new WriteLoad(database, runtime, setup);
            var postmaster = await PostmasterAsync(database, ct);

            // The app settles (startup, the listener going live, first seal and fold) before anything is counted.
            await Task.Delay(TimeSpan.FromSeconds(10), ct);
            Console.WriteLine($"home live: {seconds} s of writes with no page open…");
            var idle = await PassAsync(app, postmaster, load, reads, [], seconds, ct);

            var cookies = new Dictionary<string, Cookie>(StringComparer.OrdinalIgnoreCase);
            foreach (var email in viewers.Select(v => v.Email).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                var (client, jar) = await app.SignInAsync(email, email == BenchDatabase.StaffEmail ? BenchDatabase.StaffPassword : Password, ct);
                client.Dispose();
                var c = jar.GetCookies(app.BaseAddress).Single(k => k.Name == "TechCourse.Auth");
                cookies[email] = new Cookie { Name = c.Name, Value = c.Value, Domain = app.BaseAddress.Host, Path = "/" };
            }
            using var playwright = await Playwright.CreateAsync();
            await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = browsersIdle ? IdleChromium() : "/usr/bin/chromium",
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
            });
            Console.WriteLine($"home live: opening {viewers.Count} home pages ({instructorPages} instructor, {accountingPages} accounting, {adminPages} admin)…");
            var open = new List<OpenPage>();
            foreach (var batch in viewers.Chunk(OpenAtOnce))
                open.AddRange(await Task.WhenAll(batch.Select(async viewer =>
                {
                    var context = await browser.NewContextAsync(new BrowserNewContextOptions
                    {
                        BaseURL = app.BaseAddress.ToString(), TimezoneId = "UTC", ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
                    });
                    await context.AddCookiesAsync([cookies[viewer.Email]]);
                    var page = await context.NewPageAsync();
                    await page.GotoAsync("/");
                    await page.Locator("[data-testid=circuit-interactive]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached, Timeout = 120_000 });
                    await page.Locator(TodayRevenue).WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible, Timeout = 120_000 });
                    return new OpenPage(viewer, context, page);
                })));
            foreach (var p in open) await p.Page.EvaluateAsync(WatchScript, p.Viewer.Selectors);
            Console.WriteLine($"home live: {seconds} s of writes with {open.Count} pages open…");
            var busy = await PassAsync(app, postmaster, load, reads, open, seconds, ct);
            foreach (var p in open) await p.Context.CloseAsync();
            await load.CleanUpAsync(CancellationToken.None);
            return new LiveResult(Name, viewers.Count, instructorPages, accountingPages, adminPages, setup.Instructors.Count, Rate, browsersIdle, idle, busy, null);
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException or NpgsqlException or InvalidOperationException)
        {
            return new LiveResult(Name, pages, instructorPages, accountingPages, adminPages, 0, Rate, browsersIdle, null, null, $"{e.GetType().Name}: {e.Message.Split('\n')[0]}");
        }
    }

    // Records, in the page, each change of the watched texts with the page's wall clock (the same clock as the bench's).
    private const string WatchScript = """
        (selectors) => {
            const read = () => selectors.map(s => { const e = document.querySelector(s); return e ? e.textContent.replace(/\s+/g, ' ').trim() : ''; }).join(' | ');
            window.__live = [{ t: Date.now(), v: read() }];
            new MutationObserver(() => {
                const v = read(), h = window.__live;
                if (h[h.length - 1].v !== v) h.push({ t: Date.now(), v });
            }).observe(document.body, { subtree: true, childList: true, characterData: true });
        }
        """;

    private static async Task<LivePass> PassAsync(AppHost app, int? postmaster, WriteLoad load, ConcurrentQueue<(string Kind, int Scopes, long At, long Ms)> reads, IReadOnlyList<OpenPage> pages,
        int seconds, CancellationToken ct)
    {
        await load.RunAsync(TimeSpan.FromSeconds(WarmUpSeconds), ct);
        reads.Clear();
        var appCpu = AppCpu(app);
        var threads = ThreadCpu(app.ProcessId);
        var dbCpu = DatabaseCpu(postmaster);
        var browserCpu = BrowserCpu();
        var clock = Stopwatch.StartNew();
        var startedMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var written = await load.RunAsync(TimeSpan.FromSeconds(seconds), ct);
        var elapsed = clock.Elapsed.TotalSeconds;
        var appUsed = (AppCpu(app) - appCpu).TotalSeconds;
        var threadsAfter = ThreadCpu(app.ProcessId);
        var byThread = threadsAfter.Select(t => (t.Key, (t.Value - threads.GetValueOrDefault(t.Key)) / ProcStat.TicksPerSecond)).Where(t => t.Item2 > 0)
            .OrderByDescending(t => t.Item2).Take(6).ToList();
        var dbUsed = DatabaseCpu(postmaster) - dbCpu;
        var browserUsed = BrowserCpu() - browserCpu;
        var lastCommitMs = written.LastCommitMs;

        var delays = new List<(string Kind, double Ms)>();
        var notFinal = 0;
        if (pages.Count > 0)
        {
            var expected = await load.ExpectedAsync(pages.Select(p => p.Viewer).ToList(), ct);
            var deadline = Stopwatch.GetTimestamp() + (long)(FinalTimeout.TotalSeconds * Stopwatch.Frequency);
            var pending = pages.ToList();
            while (pending.Count > 0 && Stopwatch.GetTimestamp() < deadline)
            {
                foreach (var p in pending.ToList())
                {
                    var (at, text) = await LastShownAsync(p.Page);
                    if (text != expected[p.Viewer.Scope]) continue;
                    delays.Add((p.Viewer.Kind, Math.Max(0, at - lastCommitMs)));
                    pending.Remove(p);
                }
                if (pending.Count > 0) await Task.Delay(200, ct);
            }
            notFinal = pending.Count;
            foreach (var p in pending.Take(3))
            {
                var (_, text) = await LastShownAsync(p.Page);
                Console.WriteLine($"home live: a {p.Viewer.Kind} page shows '{text}' where '{expected[p.Viewer.Scope]}' was expected");
            }
        }
        // Reads of the measured window only (their start stamps), grouped by kind (each read covers every open scope of its kind).
        var window = reads.Where(r => r.At >= startedMs && r.At <= lastCommitMs).ToList();
        var byKind = window.GroupBy(r => r.Kind).ToList();
        var minInterval = byKind.Select(g => g.Select(r => r.At).Order().ToArray()).Where(a => a.Length > 1)
            .Select(a => a.Zip(a.Skip(1), (x, y) => (double)(y - x)).Min()).DefaultIfEmpty(double.NaN).Min();
        var readsByKind = byKind.ToDictionary(g => $"{g.Key} (up to {g.Max(r => r.Scopes)} scopes a read)", g => (long)g.Count(), StringComparer.Ordinal);
        var lags = delays.GroupBy(d => d.Kind).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
        {
            var first = reads.Where(r => r.Kind == g.Key && r.At >= lastCommitMs).OrderBy(r => r.At).Select(r => ((double, double)?)(r.At - lastCommitMs, r.Ms)).FirstOrDefault();
            var ms = g.Select(d => d.Ms).Order().ToArray();
            return new LiveKindLag(g.Key, first?.Item1, first?.Item2, ms[(ms.Length - 1) / 2], ms[^1]);
        }).ToList();
        return new LivePass(pages.Count, elapsed, written.PriceChanges, written.Enrollments, written.Errors, written.FirstError, appUsed, dbUsed, browserUsed,
            window.Count, byKind.Count, minInterval, readsByKind, delays.Select(d => d.Ms).Order().ToList(), notFinal, byThread, lags);
    }

    // The page's last change of its watched texts: when (Unix ms) and what.
    private static async Task<(long At, string Text)> LastShownAsync(IPage page)
    {
        var raw = await page.EvaluateAsync<string>("() => { const l = window.__live[window.__live.length - 1]; return l.t + '\\n' + l.v; }");
        var split = raw.IndexOf('\n', StringComparison.Ordinal);
        return (long.Parse(raw[..split], CultureInfo.InvariantCulture), raw[(split + 1)..]);
    }

    // Clock ticks (user + system) of the app's threads, summed by thread name (".NET TP Worker", ".NET Tiered Com", ...):
    // where the app's CPU went. Threads that ended during the pass are not in the difference.
    private static Dictionary<string, long> ThreadCpu(int pid) =>
        ProcStat.Threads(pid).GroupBy(t => t.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(t => t.Ticks), StringComparer.Ordinal);

    private static TimeSpan AppCpu(AppHost app)
    {
        using var process = Process.GetProcessById(app.ProcessId);
        return process.TotalProcessorTime;
    }

    // The postmaster and every backend it runs (the ones that exited are in the postmaster's children's times).
    private static double DatabaseCpu(int? postmaster)
    {
        if (postmaster is not { } pid) return double.NaN;
        return ProcStat.Processes().Where(p => p.Id == pid || p.ParentId == pid)
            .Sum(p => p.Id == pid ? p.Ticks + p.ChildTicks : p.Ticks) / ProcStat.TicksPerSecond;
    }

    // Chromium under SCHED_IDLE: its children inherit the policy, which (unlike a nice value) Chromium does not reset.
    private static string IdleChromium()
    {
        var wrapper = Path.Combine(Path.GetTempPath(), "techcourse-bench-chromium-idle");
        File.WriteAllText(wrapper, "#!/bin/sh\nexec chrt --idle 0 /usr/bin/chromium \"$@\"\n");
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return wrapper;
    }

    // Every Chromium process (browser, renderers, GPU and utility processes): what the open pages cost the machine.
    private static double BrowserCpu() =>
        ProcStat.Processes().Where(p => p.Name.StartsWith("chrom", StringComparison.Ordinal)).Sum(p => p.Ticks) / ProcStat.TicksPerSecond;

    private static async Task<int?> PostmasterAsync(BenchDatabase database, CancellationToken ct)
    {
        try
        {
            await using var connection = new NpgsqlConnection(database.OwnerConnectionString);
            await connection.OpenAsync(ct);
            var directory = await connection.ExecuteScalarAsync<string>(new CommandDefinition("SHOW data_directory", cancellationToken: ct));
            var pidFile = Path.Combine(directory!, "postmaster.pid");
            return int.Parse(File.ReadLines(pidFile).First(), CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is PostgresException or IOException or UnauthorizedAccessException)
        {
            return null; // not the bench's own cluster, or not readable: the database's CPU is not reported
        }
    }

    private sealed record Instructor(Guid Id, string Email);

    private sealed record Setup(IReadOnlyList<Instructor> Instructors, int[] Courses, int[] Published, Guid[] Students);

    private static async Task<Setup> PrepareAsync(BenchDatabase database, int instructors, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(database.OwnerConnectionString);
        await connection.OpenAsync(ct);
        var chosen = (await connection.QueryAsync<(Guid, string)>(new CommandDefinition($"""
            SELECT u.user_id, u.email FROM users u
            WHERE u.role = 'Instructor'
              AND (SELECT count(*) FROM courses c WHERE c.instructor_id = u.user_id AND c.is_published AND c.title NOT LIKE @prefix) >= 2
            ORDER BY u.user_id
            LIMIT @instructors
            """, new { instructors, prefix = CampaignBench.SchedulerCoursePrefix + "%" }, cancellationToken: ct))).Select(r => new Instructor(r.Item1, r.Item2)).ToList();
        if (chosen.Count < instructors) throw new InvalidOperationException($"Only {chosen.Count} instructors have two published courses; {instructors} were wanted.");
        foreach (var i in chosen) await StaffAccounts.CreateOrResetAsync(connection, i.Email, StaffRoles.Instructor, Password, ct);
        await StaffAccounts.CreateOrResetAsync(connection, AccountingEmail, StaffRoles.Accounting, Password, ct);
        var ids = chosen.Select(i => i.Id).ToArray();
        var courses = (await connection.QueryAsync<(int Id, bool Published)>(new CommandDefinition("""
            SELECT course_id, coalesce(is_published, false) FROM courses WHERE instructor_id = ANY (@ids) AND title NOT LIKE @prefix ORDER BY course_id
            """, new { ids, prefix = CampaignBench.SchedulerCoursePrefix + "%" }, cancellationToken: ct))).ToList();
        var students = (await connection.QueryAsync<Guid>(new CommandDefinition("""
            INSERT INTO users (email, role)
            SELECT e, 'Student' FROM (SELECT @prefix || k || '@bench.invalid' AS e FROM generate_series(1, 2000) k) n
            WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.email = n.e);
            SELECT user_id FROM users WHERE email LIKE @pattern ORDER BY email
            """, new { prefix = StudentPrefix, pattern = StudentPrefix + "%@bench.invalid" }, cancellationToken: ct))).ToArray();
        // Each instructor's first published course takes the enrollments and the others the price changes: an enrollment
        // states the price it was shown, which a price change in flight on the same course would make stale.
        var enrolled = (await connection.QueryAsync<int>(new CommandDefinition("""
            SELECT min(course_id) FROM courses WHERE instructor_id = ANY (@ids) AND is_published AND title NOT LIKE @prefix GROUP BY instructor_id ORDER BY 1
            """, new { ids, prefix = CampaignBench.SchedulerCoursePrefix + "%" }, cancellationToken: ct))).ToArray();
        var setup = new Setup(chosen, courses.Select(c => c.Id).Except(enrolled).ToArray(), enrolled, students);
        await new WriteLoad(database, null!, setup).CleanUpAsync(ct);
        return setup;
    }

    private sealed record Written(long PriceChanges, long Enrollments, int Errors, string? FirstError, long LastCommitMs);

    // Rate price changes and Rate enrollments a second, each on its own schedule (one write every 1/Rate s, fired at
    // its instant without waiting for the one before, so a slow write does not slow the pace).
    private sealed class WriteLoad(BenchDatabase database, NpgsqlDataSource runtime, Setup setup)
    {
        private readonly ConcurrentDictionary<int, decimal> prices = new();
        // One write at a time per course: a change states the price it replaces, which one still in flight would make stale.
        private readonly ConcurrentDictionary<int, SemaphoreSlim> courseLocks = new();
        private long priceN, enrollN;

        public async Task<Written> RunAsync(TimeSpan duration, CancellationToken ct)
        {
            if (prices.IsEmpty)
            {
                await using var connection = new NpgsqlConnection(database.OwnerConnectionString);
                await connection.OpenAsync(ct);
                foreach (var (course, price) in await connection.QueryAsync<(int, decimal)>(new CommandDefinition(
                             "SELECT course_id, price FROM courses WHERE course_id = ANY (@ids)", new { ids = setup.Courses.Concat(setup.Published).ToArray() }, cancellationToken: ct)))
                    prices[course] = price;
            }
            var errors = 0;
            string? firstError = null;
            long priceCount = 0, enrollCount = 0, lastCommit = 0;
            var start = Stopwatch.GetTimestamp();
            var end = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);

            async Task Paced(Func<Task> write, Action counted)
            {
                var inFlight = new List<Task>();
                for (long k = 0; ; k++)
                {
                    var due = start + k * Stopwatch.Frequency / Rate;
                    if (due >= end) break;
                    var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
                    if (wait > TimeSpan.Zero) await Task.Delay(wait, ct);
                    inFlight.Add(Task.Run(async () =>
                    {
                        try
                        {
                            await write();
                            counted();
                            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                            long seen;
                            while ((seen = Interlocked.Read(ref lastCommit)) < now && Interlocked.CompareExchange(ref lastCommit, now, seen) != seen) { }
                        }
                        catch (Exception e) when (e is PostgresException or InvalidOperationException)
                        {
                            Interlocked.Increment(ref errors);
                            Interlocked.CompareExchange(ref firstError, e.Message, null);
                        }
                    }, ct));
                }
                await Task.WhenAll(inFlight);
            }

            await Task.WhenAll(
                Paced(PriceChangeAsync, () => Interlocked.Increment(ref priceCount)),
                Paced(EnrollAsync, () => Interlocked.Increment(ref enrollCount)));
            return new Written(priceCount, enrollCount, errors, firstError, Interlocked.Read(ref lastCommit));

            async Task PriceChangeAsync()
            {
                var n = Interlocked.Increment(ref priceN);
                // Courses in turn: a course changes again only after every other one did, long after its last write committed.
                var course = setup.Courses[n % setup.Courses.Length];
                var gate = courseLocks.GetOrAdd(course, _ => new SemaphoreSlim(1, 1));
                await gate.WaitAsync(ct);
                try
                {
                    await ChangeAsync(course, n);
                }
                finally
                {
                    gate.Release();
                }
            }

            async Task ChangeAsync(int course, long n)
            {
                var old = prices[course];
                var price = 10m + (n * 7) % 9000 / 100m;
                if (price == old) price += 0.01m;
                var result = await new CoursesStore(runtime).UpdatePriceAsync(database.StaffActor, course, old, price, "bench live", ct);
                if (!result.Succeeded) throw new InvalidOperationException($"Price update of course {course} was {result.Outcome}: {result.Error?.Message}");
                prices[course] = price;
            }

            async Task EnrollAsync()
            {
                var n = Interlocked.Increment(ref enrollN);
                var student = setup.Students[n % setup.Students.Length];
                var course = setup.Published[n / setup.Students.Length % setup.Published.Length];
                var outcome = await new EnrollmentsQueries(runtime).EnrollAsync(database.StaffActor, new EnrollRequest(Guid.NewGuid(), student, course, prices[course], null, null), ct);
                if (outcome.Kind != EnrollOutcomeKind.Created) throw new InvalidOperationException($"Enrollment was {outcome.Kind}: {outcome.Error?.Message}");
            }
        }

        // What each page must show once the writes are in, recomputed from enrollments and price_changes (UTC days: the
        // browser contexts run in UTC, and the accounting page's reporting zone is the default UTC).
        public async Task<IReadOnlyDictionary<(string Kind, Guid? Instructor), string>> ExpectedAsync(IReadOnlyList<Viewer> viewers, CancellationToken ct)
        {
            await using var connection = new NpgsqlConnection(database.OwnerConnectionString);
            await connection.OpenAsync(ct);
            var today = DateTime.SpecifyKind(DateTime.UtcNow.Date, DateTimeKind.Utc);
            var result = new Dictionary<(string Kind, Guid? Instructor), string>();
            foreach (var viewer in viewers.DistinctBy(v => v.Scope))
            {
                var (count, revenue) = await connection.QuerySingleAsync<(long, decimal)>(new CommandDefinition("""
                    SELECT count(*), coalesce(sum(e.amount_paid), 0) FROM enrollments e
                    WHERE e.enrolled_at >= @today AND (@instructor::uuid IS NULL OR e.course_id IN (SELECT course_id FROM courses WHERE instructor_id = @instructor))
                    """, new { today, instructor = viewer.Instructor }, cancellationToken: ct));
                var parts = new List<string> { Shown.Money(revenue), $"{Shown.Count(count)} {(count == 1 ? "enrollment" : "enrollments")}" };
                if (viewer.Kind != "accounting")
                {
                    var change = await connection.QuerySingleAsync<(decimal? Old, decimal? New)>(new CommandDefinition("""
                        SELECT old_price, new_price FROM price_changes
                        WHERE @instructor::uuid IS NULL OR course_id IN (SELECT course_id FROM courses WHERE instructor_id = @instructor)
                        ORDER BY changed_at DESC, log_id DESC LIMIT 1
                        """, new { instructor = viewer.Instructor }, cancellationToken: ct));
                    parts.Add($"{Shown.Money(change.Old)} → {Shown.Money(change.New)}");
                }
                result[viewer.Scope] = Regex.Replace(string.Join(" | ", parts), @"\s+", " ").Trim();
            }
            return result;
        }

        public async Task CleanUpAsync(CancellationToken ct)
        {
            await using var connection = new NpgsqlConnection(database.OwnerConnectionString);
            await connection.OpenAsync(ct);
            await connection.ExecuteAsync(new CommandDefinition("DELETE FROM enrollments WHERE student_id = ANY (@students)", new { students = setup.Students }, commandTimeout: 600, cancellationToken: ct));
        }
    }

    [GeneratedRegex(@"Home figures read for (\S+) \((\d+) scopes\) at (\d+) in (\d+) ms")]
    private static partial Regex ReadLine();
}
