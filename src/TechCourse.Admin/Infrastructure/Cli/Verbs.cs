using System.CommandLine;
using Npgsql;
using TechCourse.Admin.Features.Audit;
using TechCourse.Admin.Features.Sales;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Infrastructure.Configuration;
using TechCourse.Admin.Infrastructure.Database;
using TechCourse.Admin.Infrastructure.DemoData;
using TechCourse.Admin.Infrastructure.Reliability;

namespace TechCourse.Admin.Infrastructure.Cli;

public sealed class Verbs
{
    private readonly VerbContext context;

    public Verbs(VerbContext context)
    {
        this.context = context;
        Root = new RootCommand("TechCourse Admin. Without a verb it runs the web app; each verb works on the configured database (or the embedded cluster) without the web server.")
        {
            Migrate(), Seed(), User(), LoadTest(), Rollups(), Audit(),
        };
    }

    public RootCommand Root { get; }

    private Command Migrate()
    {
        var command = new Command("migrate", "Apply the sql/ scripts to the configured database and finish an interrupted bulk load.");
        command.SetAction(async (_, ct) =>
        {
            await using var database = await VerbDatabase.StartAsync(context, ct);
            var applied = database.Migrations.Applied;
            Console.WriteLine(applied.Count == 0 ? "Database is up to date." : $"Applied {applied.Count} script(s): {string.Join(", ", applied)}");
            if (database.Migrations.FinishedRebuilds > 0)
                Console.WriteLine($"Finished an interrupted bulk load ({database.Migrations.FinishedRebuilds} rebuild statement(s) were pending).");
            return 0;
        });
        return command;
    }

    private Command Seed()
    {
        var scale = new Option<string>("--scale") { Description = "demo (1,000 students) or capstone (1M students, 2k instructors, 10k courses, 5M enrollments, 1M price changes)", DefaultValueFactory = _ => "demo" };
        scale.AcceptOnlyFromAmong("demo", "capstone");
        Option<int?> Count(string name, string description) => new(name) { Description = $"{description} (default: the scale's)" };
        var students = Count("--students", "students");
        var instructors = Count("--instructors", "instructors");
        var courses = Count("--courses", "courses");
        var enrollments = Count("--enrollments", "enrollments");
        var priceChanges = Count("--price-changes", "price changes");
        var days = Count("--days", "days of history");
        var seed = new Option<int>("--seed") { Description = "random seed: the same seed loads the same rows", DefaultValueFactory = _ => DemoDataDefaults.Seed };
        var command = new Command("seed", "Load generated data into empty tables with binary COPY (the database ends empty or complete, also when cancelled).")
        {
            scale, students, instructors, courses, enrollments, priceChanges, days, seed,
        };
        command.SetAction(async (parsed, ct) =>
        {
            var chosen = parsed.GetValue(scale) == "capstone" ? DataScale.Capstone : DataScale.Demo;
            var wanted = new DataScale(parsed.GetValue(students) ?? chosen.Students, parsed.GetValue(instructors) ?? chosen.Instructors,
                parsed.GetValue(courses) ?? chosen.Courses, parsed.GetValue(enrollments) ?? chosen.Enrollments,
                parsed.GetValue(priceChanges) ?? chosen.PriceChanges, parsed.GetValue(days) ?? chosen.HistoryDays);
            var problems = wanted.Problems().ToList();
            if (problems.Count > 0)
            {
                Console.Error.WriteLine(string.Join(Environment.NewLine, problems));
                return CommandLine.UsageError;
            }
            await using var database = await VerbDatabase.StartAsync(context, ct);
            var seedValue = parsed.GetValue(seed);
            Console.WriteLine($"Loading {wanted.Students:N0} students, {wanted.Instructors:N0} instructors, {wanted.Courses:N0} courses, {wanted.Enrollments:N0} enrollments, {wanted.PriceChanges:N0} price changes (seed {seedValue})…");
            var report = await BulkLoader.LoadAsync(database.Connections.Migrations, DemoDataDefaults.Generator(DateTimeOffset.UtcNow, wanted, seedValue), ct);
            Console.WriteLine($"Loaded {report.Users:N0} users, {report.Courses:N0} courses, {report.Enrollments:N0} enrollments, {report.PriceChanges:N0} price changes " +
                              $"in {report.Total.TotalSeconds:F1} s (copy {report.Copy.TotalSeconds:F1} s, indexes and constraints {report.Indexes.TotalSeconds:F1} s).");
            return 0;
        });
        return command;
    }

    private Command User()
    {
        var email = new Option<string>("--email") { Description = "the account's email address", Required = true };
        email.Validators.Add(result =>
        {
            if (result.GetValue(email) is { } value && !value.Contains('@', StringComparison.Ordinal)) result.AddError("--email must be an email address.");
        });
        var role = new Option<string>("--role") { Description = "Admin, Instructor or Accounting", Required = true };
        role.AcceptOnlyFromAmong([.. StaffRoles.StaffOnly]);
        var add = new Command("add", "Create a staff account, or reset its role and password. The password is read from standard input when it is piped in, else generated and printed once.")
        {
            email, role,
        };
        add.SetAction(async (parsed, ct) =>
        {
            var (address, chosenRole) = (parsed.GetRequiredValue(email), parsed.GetRequiredValue(role));
            var piped = context.PasswordInput?.ReadLine()?.TrimEnd('\r', '\n');
            var password = string.IsNullOrEmpty(piped) ? PasswordPolicy.Generate() : piped;
            if (PasswordPolicy.Problem(password) is { } problem)
            {
                Console.Error.WriteLine(problem);
                return CommandLine.UsageError;
            }
            await using var database = await VerbDatabase.StartAsync(context, ct);
            await using var connection = new NpgsqlConnection(database.Connections.Migrations);
            await connection.OpenAsync(ct);
            await StaffAccounts.CreateOrResetAsync(connection, address, chosenRole, password, ct);
            Console.WriteLine(string.IsNullOrEmpty(piped)
                ? $"{address} is a(n) {chosenRole}. Generated password (shown only now): {password}"
                : $"{address} is a(n) {chosenRole}; the password from standard input is set.");
            return 0;
        });
        return new Command("user", "Staff accounts.") { add };
    }

    private Command LoadTest()
    {
        Option<int> Positive(string name, int fallback, string description)
        {
            var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => fallback };
            option.Validators.Add(result =>
            {
                if (result.GetValue(option) < 1) result.AddError($"{name} must be at least 1.");
            });
            return option;
        }
        var writers = Positive("--writers", 50, "concurrent writers");
        var seconds = Positive("--seconds", 60, "how long they write");
        var courses = Positive("--courses", 20, "courses the run adds and writes to");
        var students = Positive("--students", 2_000, "students the run adds and enrolls");
        var command = new Command("loadtest", "Concurrent writers change prices and enroll students through the app's code, then the invariants are checked (exit 1 if one fails). Adds its own tagged rows.")
        {
            writers, seconds, courses, students,
        };
        command.SetAction(async (parsed, ct) =>
        {
            var load = new LoadTestOptions(parsed.GetValue(writers), TimeSpan.FromSeconds(parsed.GetValue(seconds)), parsed.GetValue(courses), parsed.GetValue(students));
            await using var database = await VerbDatabase.StartAsync(context, ct);
            Console.WriteLine($"Load test: {load.Writers} writers for {load.Duration.TotalSeconds:F0} s over {load.Courses} courses and {load.Students} students…");
            var report = await Reliability.LoadTest.RunAsync(database.Connections.Runtime, database.Connections.Migrations, load, ct: ct);
            Console.WriteLine(report);
            return report.Passed ? 0 : 1;
        });
        return command;
    }

    private Command Rollups()
    {
        Command Verb(string name, string description, Func<NpgsqlConnection, CancellationToken, Task<int>> run)
        {
            var command = new Command(name, description);
            command.SetAction(async (_, ct) =>
            {
                await using var database = await VerbDatabase.StartAsync(context, ct);
                await using var connection = new NpgsqlConnection(database.Connections.Migrations);
                await connection.OpenAsync(ct);
                return await run(connection, ct);
            });
            return command;
        }
        return new Command("rollups", "The sales rollups.")
        {
            Verb("rebuild", "Recompute the sales rollups from enrollments in one transaction (holds off enrollment writes meanwhile).", async (connection, ct) =>
            {
                await SalesRollups.RebuildAsync(connection, ct);
                Console.WriteLine("Sales rollups rebuilt from enrollments.");
                return 0;
            }),
            Verb("fold", "Fold the pending sales deltas into the rollups now (the app does it every second).", async (connection, ct) =>
            {
                Console.WriteLine($"Folded {await SalesRollups.FoldAsync(connection, ct)} sales delta(s) into the rollups.");
                return 0;
            }),
            Verb("verify", "Compare the sales rollups with enrollments; prints each difference, exits 1 on any.", async (connection, ct) =>
            {
                var differences = await SalesRollups.VerifyAsync(connection, ct);
                foreach (var difference in differences) Console.WriteLine(difference);
                Console.WriteLine(differences.Count == 0 ? "Sales rollups match enrollments: 0 differences." : $"{differences.Count} difference(s) between the sales rollups and enrollments.");
                return differences.Count == 0 ? 0 : 1;
            }),
        };
    }

    private Command Audit()
    {
        var noSeal = new Option<bool>("--no-seal") { Description = "walk the chain as it is, without sealing new entries first (only reads: runs on a standby)" };
        var verify = new Command("verify", "Seal new price changes, walk the hash chain and compare it with the newest signed checkpoint (Audit:CheckpointFile); " +
            "reports the first broken link, deleted or rewritten entries (exit 3).") { noSeal };
        verify.SetAction(async (parsed, ct) =>
        {
            await using var database = await VerbDatabase.StartAsync(context, ct);
            return await AuditCommands.VerifyAsync(database.Connections.Migrations, Checkpoints(database), seal: !parsed.GetValue(noSeal), Console.Out, ct);
        });
        var years = new Option<int>("--older-than-years") { Description = "archive entries older than this many whole years (at least 1)", Required = true };
        years.Validators.Add(result =>
        {
            if (result.GetValue(years) < 1) result.AddError("--older-than-years must be at least 1.");
        });
        var file = new Option<FileInfo>("--file") { Description = "the new CSV file (never overwritten)", Required = true };
        var archive = new Command("archive", "Move the oldest entries to a CSV file that keeps their hashes; the rest still verifies from the new anchor.") { years, file };
        archive.SetAction(async (parsed, ct) =>
        {
            var target = parsed.GetRequiredValue(file);
            if (target.Exists)
            {
                Console.Error.WriteLine($"{target.FullName} already exists; choose a new file so no archive is overwritten.");
                return CommandLine.UsageError;
            }
            await using var database = await VerbDatabase.StartAsync(context, ct);
            return await AuditCommands.ArchiveAsync(database.Connections.Migrations, Checkpoints(database), parsed.GetValue(years), target.FullName,
                Console.Out, Console.Error, ct);
        });
        return new Command("audit", "The price-change audit log.") { verify, archive };
    }

    private AuditCheckpointOptions Checkpoints(VerbDatabase database) => AuditCheckpointOptions.From(context.Configuration.ReadSettings<AuditLogOptions>(),
        context.Configuration.ReadSettings<EmbeddedPostgresOptions>(), context.ContentRoot, database.Connections.Embedded);
}
