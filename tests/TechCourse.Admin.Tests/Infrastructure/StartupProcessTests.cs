using TechCourse.Admin.Infrastructure.Hosting;
using TechCourse.Admin.Infrastructure.Postgres;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Infrastructure;

// The app as a process: what an operator sees when it cannot start, and how it stops while starting.
public sealed class StartupProcessTests : IDisposable
{
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), $"tc-start-{Guid.NewGuid():N}"[..20]);

    private static string ClosedDatabase => $"Host=127.0.0.1;Port={LocalPostgresCluster.FreeTcpPort()};Username=x;Password=y;Database=z;Timeout=3";

    [Theory]
    [InlineData("Database__ProbeIntervalSeconds", "0", "Database:ProbeIntervalSeconds is '0': must be a number of seconds from 0.1 to 3600")]
    [InlineData("Database__StatementTimeoutSeconds", "-5", "Database:StatementTimeoutSeconds is '-5': must be a whole number of seconds from 0 to 86400")]
    [InlineData("Reporting__TimeZone", "Mars/Olympus_Mons", "Reporting:TimeZone is 'Mars/Olympus_Mons': must be an IANA time zone id")]
    [InlineData("RateLimiting__SignInPerIpPerMinute", "lots", "'lots' at 'RateLimiting:SignInPerIpPerMinute'")]
    [InlineData("ConnectionStrings__TechCourseMigrations", "Hots=typo", "ConnectionStrings:TechCourseMigrations is 'Hots=typo': must be empty or a PostgreSQL connection string")]
    public async Task An_invalid_setting_stops_the_app_with_one_line_naming_the_key_and_the_rule(string key, string value, string expected)
    {
        var (exitCode, output, errors) = await AppProcess.RunAsync(new Dictionary<string, string> { ["ConnectionStrings__TechCourse"] = ClosedDatabase, [key] = value });

        Assert.Equal(1, exitCode);
        var line = Assert.Single(errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("TechCourse Admin cannot start: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output + errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_folder_without_postgresql_stops_the_embedded_default_with_one_line()
    {
        var (exitCode, output, errors) = await AppProcess.RunAsync(new Dictionary<string, string>
        {
            ["EmbeddedPostgres__DataDirectory"] = dataDirectory, ["EmbeddedPostgres__BinDirectory"] = "/nowhere/bin",
        });

        Assert.Equal(1, exitCode);
        var line = Assert.Single(errors.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("TechCourse Admin cannot start: EmbeddedPostgres:BinDirectory is '/nowhere/bin', but it holds no PostgreSQL server (pg_ctl, initdb, postgres).", line);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_postgresql_binaries_are_named_by_their_debian_package_and_never_installed_by_the_app()
    {
        var empty = Directory.CreateDirectory(Path.Combine(dataDirectory, "no-postgresql")).FullName;

        var error = await Assert.ThrowsAsync<EnvironmentProblemException>(() => PostgresBinaries.LocateAsync(null, empty, [], CancellationToken.None));

        Assert.Contains("install the Debian package 'postgresql' (sudo apt-get install -y postgresql)", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "src"), "SystemPackages.cs", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_stop_signal_during_start_up_ends_the_start_cleanly()
    {
        // The embedded cluster's start waits for this lock (held by another starter), so the signal surely arrives mid-start.
        Directory.CreateDirectory(dataDirectory);
        var startLock = new FileStream(Path.Combine(dataDirectory, ".start.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        await using var app = AppProcess.Start(new Dictionary<string, string> { ["EmbeddedPostgres__DataDirectory"] = dataDirectory });
        await app.WaitForOutputAsync("using the embedded PostgreSQL cluster in", TimeSpan.FromSeconds(60));

        await app.TerminateAsync();
        var exitCode = await app.WaitForExitAsync(TimeSpan.FromSeconds(30));
        await startLock.DisposeAsync();

        Assert.Equal(0, exitCode);
        Assert.Contains("TechCourse Admin stopped before it was ready.", app.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain("is ready at", app.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", app.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dataDirectory, "pgdata", "postmaster.pid")));
    }

    [Fact]
    public async Task The_web_app_starts_the_embedded_cluster_before_it_listens_and_stops_it_on_a_stop_signal()
    {
        await using var app = AppProcess.Start(new Dictionary<string, string> { ["EmbeddedPostgres__DataDirectory"] = dataDirectory, ["EmbeddedPostgres__LoadDemoData"] = "false" });
        await app.WaitForOutputAsync("TechCourse Admin is ready at", TimeSpan.FromMinutes(2));
        var order = new[] { "Embedded PostgreSQL started", "Applied migrations", "TechCourse Admin is ready at" }.Select(line => app.Output.IndexOf(line, StringComparison.Ordinal)).ToArray();
        Assert.True(File.Exists(Path.Combine(dataDirectory, "pgdata", "postmaster.pid")));

        await app.TerminateAsync();

        Assert.Equal(0, await app.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.True(order.All(i => i >= 0) && order.SequenceEqual(order.Order()), app.Output);
        Assert.False(File.Exists(Path.Combine(dataDirectory, "pgdata", "postmaster.pid")), "stopping the app stops its cluster");
    }

    public void Dispose()
    {
        if (Directory.Exists(dataDirectory)) Directory.Delete(dataDirectory, recursive: true);
    }
}
