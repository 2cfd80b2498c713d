using System.Globalization;
using Npgsql;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Infrastructure.Database;
using TechCourse.Admin.Infrastructure.DemoData;

namespace TechCourse.Admin.Infrastructure.Cli;

/// Verbs that work on the configured database without starting the web server.
public static class CommandLine
{
    private const string Usage = """
        Usage: TechCourse.Admin [verb] [options]
          (no verb)   run the web app
          migrate     apply the sql/ scripts to the configured database
          seed        load generated data into empty tables
                      --students N --instructors N --courses N --enrollments N --price-changes N --days N --seed N
                      --scale demo|capstone  (capstone: 1M students, 2k instructors, 10k courses, 5M enrollments, 1M price changes)
          user add    create a staff account, or reset its role and password: --email E --role Admin|Instructor|Accounting
                      the password is read from standard input when it is piped in, else generated and printed once
          loadtest    concurrent writers change prices and enroll students, then check the invariants (exit 1 if one fails)
                      --writers N (50) --seconds N (60) --courses N (20) --students N (2000); adds its own tagged rows
          rollups rebuild   recompute the sales rollups from enrollments (holds off enrollment writes meanwhile)
          rollups fold      fold the pending sales deltas into the rollups now (the app does it every second)
          rollups verify    compare the sales rollups with enrollments; prints each difference, exits 1 on any
        """ + Features.Audit.AuditCommands.Usage;

    public static bool IsVerb(string[] args) => args.Length > 0 && !args[0].StartsWith('-') && !args[0].Contains('=', StringComparison.Ordinal);

    public static async Task<int> RunAsync(string[] args, IConfiguration configuration, string contentRoot, ILoggerFactory loggers, TextReader? passwordInput, CancellationToken ct)
    {
        var logger = loggers.CreateLogger("TechCourse.Admin.Cli");
        switch (args[0])
        {
            case "migrate":
            {
                await using var database = await DatabaseStartup.ConnectAsync(configuration, contentRoot, logger, ct);
                var applied = Migrator.Apply(database.Connections.Migrations, logger);
                Console.WriteLine(applied.Count == 0 ? "Database is up to date." : $"Applied {applied.Count} script(s): {string.Join(", ", applied)}");
                var unfinished = await BulkLoader.FinishInterruptedAsync(database.Connections.Migrations, ct);
                if (unfinished > 0) Console.WriteLine($"Finished an interrupted bulk load ({unfinished} rebuild statement(s) were pending).");
                return 0;
            }
            case "seed":
            {
                var options = Options(args.Skip(1));
                var scale = ParseScale(options);
                var problems = scale.Problems().ToList();
                if (problems.Count > 0)
                {
                    Console.Error.WriteLine(string.Join(Environment.NewLine, problems));
                    return 2;
                }
                var seed = options.TryGetValue("seed", out var s) ? int.Parse(s, CultureInfo.InvariantCulture) : DemoDataDefaults.Seed;
                await using var database = await DatabaseStartup.ConnectAsync(configuration, contentRoot, logger, ct);
                Migrator.Apply(database.Connections.Migrations, logger);
                Console.WriteLine($"Loading {scale.Students:N0} students, {scale.Instructors:N0} instructors, {scale.Courses:N0} courses, {scale.Enrollments:N0} enrollments, {scale.PriceChanges:N0} price changes (seed {seed})…");
                var report = await BulkLoader.LoadAsync(database.Connections.Migrations, DemoDataDefaults.Generator(DateTimeOffset.UtcNow, scale, seed), ct);
                Console.WriteLine($"Loaded {report.Users:N0} users, {report.Courses:N0} courses, {report.Enrollments:N0} enrollments, {report.PriceChanges:N0} price changes " +
                                  $"in {report.Total.TotalSeconds:F1} s (copy {report.Copy.TotalSeconds:F1} s, indexes and constraints {report.Indexes.TotalSeconds:F1} s).");
                return 0;
            }
            case "user" when args.Length > 1 && args[1] == "add":
            {
                var options = Options(args.Skip(2));
                if (!options.TryGetValue("email", out var email) || !options.TryGetValue("role", out var role))
                {
                    Console.Error.WriteLine("user add needs --email and --role.");
                    return 2;
                }
                var piped = passwordInput?.ReadLine()?.TrimEnd('\r', '\n');
                var password = string.IsNullOrEmpty(piped) ? PasswordPolicy.Generate() : piped;
                if (PasswordPolicy.Problem(password) is { } problem || !StaffRoles.StaffOnly.Contains(role) || !email.Contains('@', StringComparison.Ordinal))
                {
                    Console.Error.WriteLine(PasswordPolicy.Problem(password) ?? $"--role must be one of {string.Join(", ", StaffRoles.StaffOnly)} and --email an email address.");
                    return 2;
                }
                await using var database = await DatabaseStartup.ConnectAsync(configuration, contentRoot, logger, ct);
                Migrator.Apply(database.Connections.Migrations, logger);
                await using var connection = new NpgsqlConnection(database.Connections.Migrations);
                await connection.OpenAsync(ct);
                await StaffAccounts.CreateOrResetAsync(connection, email, role, password, ct);
                Console.WriteLine(string.IsNullOrEmpty(piped)
                    ? $"{email} is a(n) {role}. Generated password (shown only now): {password}"
                    : $"{email} is a(n) {role}; the password from standard input is set.");
                return 0;
            }
            case "loadtest":
            {
                var options = Options(args.Skip(1));
                int Get(string name, int fallback) => options.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;
                var load = new Reliability.LoadTestOptions(Get("writers", 50), TimeSpan.FromSeconds(Get("seconds", 60)), Get("courses", 20), Get("students", 2_000));
                await using var database = await DatabaseStartup.ConnectAsync(configuration, contentRoot, logger, ct);
                await database.MigrateAsync(logger, ct);
                Console.WriteLine($"Load test: {load.Writers} writers for {load.Duration.TotalSeconds:F0} s over {load.Courses} courses and {load.Students} students…");
                var report = await Reliability.LoadTest.RunAsync(database.Connections.Runtime, database.Connections.Migrations, load, ct: ct);
                Console.WriteLine(report);
                return report.Passed ? 0 : 1;
            }
            case "rollups" when args.Length > 1 && args[1] is "rebuild" or "verify" or "fold":
            {
                await using var database = await DatabaseStartup.ConnectAsync(configuration, contentRoot, logger, ct);
                Migrator.Apply(database.Connections.Migrations, logger);
                await using var connection = new NpgsqlConnection(database.Connections.Migrations);
                await connection.OpenAsync(ct);
                if (args[1] == "fold")
                {
                    var folded = await Features.Sales.SalesRollups.FoldAsync(connection, ct);
                    Console.WriteLine($"Folded {folded} sales delta(s) into the rollups.");
                    return 0;
                }
                if (args[1] == "rebuild")
                {
                    await Features.Sales.SalesRollups.RebuildAsync(connection, ct);
                    Console.WriteLine("Sales rollups rebuilt from enrollments.");
                    return 0;
                }
                var differences = await Features.Sales.SalesRollups.VerifyAsync(connection, ct);
                foreach (var difference in differences) Console.WriteLine(difference);
                Console.WriteLine(differences.Count == 0 ? "Sales rollups match enrollments: 0 differences." : $"{differences.Count} difference(s) between the sales rollups and enrollments.");
                return differences.Count == 0 ? 0 : 1;
            }
            case "audit" when args.Length > 1 && args[1] is "verify" or "archive":
            {
                await using var database = await DatabaseStartup.ConnectAsync(configuration, contentRoot, logger, ct);
                Migrator.Apply(database.Connections.Migrations, logger);
                var checkpoints = Features.Audit.AuditCheckpointOptions.From(configuration, contentRoot, database.Connections.Embedded);
                return args[1] == "verify"
                    ? await Features.Audit.AuditCommands.VerifyAsync(database.Connections.Migrations, checkpoints, Console.Out, ct)
                    : await Features.Audit.AuditCommands.ArchiveAsync(database.Connections.Migrations, checkpoints, Options(args.Skip(2)), Console.Out, Console.Error, ct);
            }
            default:
                Console.Error.WriteLine($"Unknown verb '{args[0]}'.{Environment.NewLine}{Usage}");
                return 2;
        }
    }

    private static DataScale ParseScale(Dictionary<string, string> options)
    {
        var scale = options.GetValueOrDefault("scale") switch
        {
            null or "demo" => DataScale.Demo,
            "capstone" => DataScale.Capstone,
            var other => throw new ArgumentException($"Unknown --scale '{other}' (demo or capstone)."),
        };
        int Get(string name, int fallback) => options.TryGetValue(name, out var value) ? int.Parse(value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture) : fallback;
        return new DataScale(Get("students", scale.Students), Get("instructors", scale.Instructors), Get("courses", scale.Courses),
            Get("enrollments", scale.Enrollments), Get("price-changes", scale.PriceChanges), Get("days", scale.HistoryDays));
    }

    private static Dictionary<string, string> Options(IEnumerable<string> args)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        string? pending = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal)) pending = arg[2..];
            else if (pending is not null)
            {
                options[pending] = arg;
                pending = null;
            }
            else throw new ArgumentException($"Unexpected argument '{arg}'.");
        }
        if (pending is not null) throw new ArgumentException($"--{pending} needs a value.");
        return options;
    }
}
