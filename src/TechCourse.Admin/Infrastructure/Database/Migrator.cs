using DbUp;
using DbUp.Engine;
using DbUp.Engine.Output;

namespace TechCourse.Admin.Infrastructure.Database;

// Applies the numbered scripts of the top-level sql/ folder (embedded as sql.NNNN_name.sql) in file-name order.
public static class Migrator
{
    public const string JournalTable = "schemaversions";

    public static IReadOnlyList<string> ScriptNames { get; } = typeof(Migrator).Assembly.GetManifestResourceNames()
        .Where(IsScript).Order(StringComparer.Ordinal).ToArray();

    public static IReadOnlyList<string> Apply(string connectionString, ILogger logger)
    {
        var result = Engine(connectionString, new UpgradeLog(logger)).PerformUpgrade();
        if (!result.Successful)
            throw new MigrationFailedException(result.ErrorScript?.Name, result.Error);
        return result.Scripts.Select(script => script.Name).ToArray();
    }

    public static IReadOnlyList<string> Pending(string connectionString) =>
        Engine(connectionString, new NoOpUpgradeLog()).GetScriptsToExecute().Select(script => script.Name).ToArray();

    private static UpgradeEngine Engine(string connectionString, IUpgradeLog log) =>
        DeployChanges.To.PostgresqlDatabase(connectionString)
            .WithScriptsEmbeddedInAssembly(typeof(Migrator).Assembly, IsScript)
            .WithTransactionPerScript()
            .WithExecutionTimeout(TimeSpan.FromHours(1))
            .WithVariablesDisabled()
            .JournalToPostgresqlTable("public", JournalTable)
            .LogTo(log)
            .Build();

    private static bool IsScript(string resourceName) =>
        resourceName.StartsWith("sql.", StringComparison.Ordinal) && resourceName.EndsWith(".sql", StringComparison.Ordinal);

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
