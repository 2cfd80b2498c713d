using System.Diagnostics;
using Npgsql;

namespace TechCourse.Admin.Bench;

/// A statement exactly as the app sent it: text and parameters (names, types, values).
public sealed record CapturedCommand(string Text, NpgsqlParameter[] Parameters)
{
    public NpgsqlCommand ToCommand(NpgsqlConnection connection)
    {
        var command = new NpgsqlCommand(Text, connection);
        foreach (var parameter in Parameters) command.Parameters.Add(parameter.Clone());
        return command;
    }
}

/// Records the statements an app call sends, through Npgsql's tracing hook on a data source used only for that.
/// The timed app calls go through another data source with tracing filtered off, so they pay nothing for this.
public sealed class CommandCapture : IDisposable
{
    private static readonly AsyncLocal<List<CapturedCommand>?> Current = new();
    private readonly ActivityListener listener;

    public CommandCapture(string connectionString)
    {
        listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => Current.Value is null ? ActivitySamplingResult.None : ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConfigureTracing(tracing => tracing.ConfigureCommandEnrichmentCallback((_, command) =>
            Current.Value?.Add(new CapturedCommand(command.CommandText, command.Parameters.Select(p => p.Clone()).ToArray()))));
        DataSource = builder.Build();
    }

    public NpgsqlDataSource DataSource { get; }

    /// A data source for timed calls: same connection string, no tracing activity at all.
    public static NpgsqlDataSource Untraced(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConfigureTracing(tracing => tracing.ConfigureCommandFilter(_ => false).ConfigureBatchFilter(_ => false));
        return builder.Build();
    }

    public async Task<IReadOnlyList<CapturedCommand>> CaptureAsync(Func<NpgsqlDataSource, Task> call)
    {
        var commands = new List<CapturedCommand>();
        Current.Value = commands;
        try
        {
            await call(DataSource);
        }
        finally
        {
            Current.Value = null;
        }
        if (commands.Count == 0) throw new InvalidOperationException("The app call sent no statement through its data source.");
        return commands;
    }

    public void Dispose()
    {
        listener.Dispose();
        DataSource.Dispose();
    }
}
