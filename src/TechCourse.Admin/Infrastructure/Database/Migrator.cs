using System.Security.Cryptography;
using System.Text;
using DbUp;
using DbUp.Engine;
using DbUp.Engine.Output;
using DbUp.Support;
using Npgsql;

namespace TechCourse.Admin.Infrastructure.Database;

// The top-level sql/ folder, embedded: the numbered scripts (sql.NNNN_name.sql) run once each in name order; then the
// definitions (sql.definitions.NN_name.sql, today's body of every function, view, trigger and policy) in name order,
// each whenever its content differs from what it was when it last ran. DbUp has run-once and run-always scripts but
// nothing for "on change", and re-running every definition on every start would take the table locks of the trigger
// and policy files each time: so a definition is journaled under its name and a hash of its content, and DbUp's own
// run-once journal does the rest (a changed file is a script it has not run yet).
public static class Migrator
{
    public const string JournalTable = "schemaversions";
    private const string DefinitionPrefix = "sql.definitions.";

    public static IReadOnlyList<string> ScriptNames { get; } = typeof(Migrator).Assembly.GetManifestResourceNames()
        .Where(name => IsNumbered(name) || IsDefinition(name))
        .OrderBy(IsDefinition).ThenBy(name => name, StringComparer.Ordinal).ToArray();

    private static readonly Lazy<IReadOnlyList<SqlScript>> Definitions = new(() => ScriptNames.Where(IsDefinition)
        .Select(name => DefinitionScript(name, ReadResource(name))).ToArray());

    // What the journal holds once every script of this build has run: numbered scripts by name, definitions by name
    // and content.
    public static IReadOnlyList<string> JournalNames => JournalNamesOnce.Value;

    private static readonly Lazy<IReadOnlyList<string>> JournalNamesOnce =
        new(() => [.. ScriptNames.Where(IsNumbered), .. Definitions.Value.Select(script => script.Name)]);

    public static IReadOnlyList<string> Apply(string connectionString, ILogger logger)
    {
        using var turn = TakeTurn(connectionString);
        var result = Engine(connectionString, new UpgradeLog(logger)).PerformUpgrade();
        if (!result.Successful)
            throw new MigrationFailedException(result.ErrorScript?.Name, result.Error);
        return result.Scripts.Select(script => script.Name).ToArray();
    }

    public static IReadOnlyList<string> Pending(string connectionString) =>
        Engine(connectionString, new NoOpUpgradeLog()).GetScriptsToExecute().Select(script => script.Name).ToArray();

    // The name a definition is journaled under: its resource name and the start of the SHA-256 of its text (line
    // endings normalised, so a checkout with CRLF does not count as a change).
    public static string DefinitionJournalName(string resourceName, string contents) =>
        $"{resourceName}@{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(contents.ReplaceLineEndings("\n"))))[..16]}";

    private static UpgradeEngine Engine(string connectionString, IUpgradeLog log) =>
        DeployChanges.To.PostgresqlDatabase(connectionString)
            .WithScriptsEmbeddedInAssembly(typeof(Migrator).Assembly, IsNumbered)
            .WithScripts(Definitions.Value)
            .WithTransactionPerScript()
            .WithExecutionTimeout(TimeSpan.FromHours(1))
            .WithVariablesDisabled()
            .JournalToPostgresqlTable("public", JournalTable)
            .LogTo(log)
            .Build();

    // Instances that start together take turns, so the second finds nothing left to run instead of running the same
    // scripts at once. A transaction-level lock on a connection of its own (closing it ends the transaction): it holds
    // behind a transaction-pooling PgBouncer too, and ends when this process does.
    private static NpgsqlConnection TakeTurn(string connectionString)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        var connection = new NpgsqlConnection(settings.ConnectionString);
        try
        {
            // Opened asynchronously under a cancellation of its own: a server that accepts the connection and never
            // answers is given up after the connection's Timeout whatever state the handshake is in.
            using (var opening = new CancellationTokenSource())
            {
                if (settings.Timeout > 0) opening.CancelAfter(TimeSpan.FromSeconds(settings.Timeout));
                try
                {
                    connection.OpenAsync(opening.Token).GetAwaiter().GetResult();
                }
                catch (OperationCanceledException e)
                {
                    throw new TimeoutException($"The owner connection did not answer within {settings.Timeout} s.", e);
                }
            }
            using var wait = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext('techcourse.migrations'))", connection, connection.BeginTransaction())
                { CommandTimeout = 0 };
            wait.ExecuteNonQuery();
            return connection;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            connection.Dispose();
            throw new MigrationFailedException(null, e);
        }
    }

    private static SqlScript DefinitionScript(string resourceName, string contents) =>
        new(DefinitionJournalName(resourceName, contents), contents,
            new SqlScriptOptions { ScriptType = ScriptType.RunOnce, RunGroupOrder = DbUpDefaults.DefaultRunGroupOrder + 1 });

    private static string ReadResource(string name)
    {
        using var stream = typeof(Migrator).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded script {name} is missing.");
        using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    private static bool IsNumbered(string resourceName) =>
        resourceName.StartsWith("sql.", StringComparison.Ordinal) && resourceName.Length > 4 && char.IsAsciiDigit(resourceName[4])
        && resourceName.EndsWith(".sql", StringComparison.Ordinal);

    private static bool IsDefinition(string resourceName) =>
        resourceName.StartsWith(DefinitionPrefix, StringComparison.Ordinal) && resourceName.EndsWith(".sql", StringComparison.Ordinal);

    private sealed class UpgradeLog(ILogger logger) : IUpgradeLog
    {
        public void LogTrace(string format, params object[] args) { }
        public void LogDebug(string format, params object[] args) { }
        public void LogInformation(string format, params object[] args) => logger.LogDebug("DbUp: {Message}", string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));
        public void LogWarning(string format, params object[] args) => logger.LogWarning("DbUp: {Message}", string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));
        public void LogError(string format, params object[] args) => logger.LogError("DbUp: {Message}", string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));
        public void LogError(Exception ex, string format, params object[] args)
        {
            // The caller reports the failure in one line; the stack trace is for whoever turns on debug logging.
            logger.LogError("DbUp: {Error}", ex.Message);
            logger.LogDebug(ex, "DbUp failure details");
        }
    }
}

public sealed class MigrationFailedException(string? script, Exception? inner)
    : Exception(script is null ? $"Migrations could not run: {inner?.Message}" : $"Migration {script} failed: {inner?.Message}", inner);
