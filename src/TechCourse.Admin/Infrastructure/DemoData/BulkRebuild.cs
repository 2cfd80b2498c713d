using System.Diagnostics;
using Dapper;
using Npgsql;

namespace TechCourse.Admin.Infrastructure.DemoData;

// One statement a bulk load still has to run, in the order it should start (biggest first).
internal sealed record PendingStatement(int Position, int Wave, string Statement);

// Runs what a bulk load left in bulk_load_pending after its rows committed, wave after wave (1: indexes; 2: unique keys attached to their indexes; 3: foreign keys, which check the loaded rows), each wave over a
// few connections at once.
// Each statement commits together with the removal of its row. If one fails (or the load is cancelled), the loaded
// tables are emptied and the rest runs on the empty tables, so the schema is whole either way.
internal static class BulkRebuild
{
    // Two cores build faster with three connections (one index's single-threaded phases overlap another's sort).
    public const int Connections = 3;
    private const string Session = "SET maintenance_work_mem = '1GB'; SET max_parallel_maintenance_workers = 1";
    private const string Tables = "users, courses, enrollments, price_changes";

    public static async Task<IReadOnlyList<PendingStatement>> PendingAsync(NpgsqlConnection connection, CancellationToken ct) =>
        (await connection.QueryAsync<PendingStatement>(new CommandDefinition(
            "SELECT position, wave, statement FROM bulk_load_pending ORDER BY wave, position", cancellationToken: ct))).AsList();

    public static async Task RunAsync(string owner, IReadOnlyList<PendingStatement> pending, List<LoadStep> steps, Stopwatch load, CancellationToken ct)
    {
        try
        {
            foreach (var wave in pending.GroupBy(p => p.Wave).OrderBy(w => w.Key))
                await InParallelAsync(owner, wave.Select(p => (p.Statement, (string?)$"DELETE FROM bulk_load_pending WHERE position = {p.Position}")), steps, load, ct);
        }
        catch
        {
            try
            {
                await EmptyAsync(owner);
            }
            catch (NpgsqlException)
            {
                // The rows stay in bulk_load_pending: the next start finishes or empties the load.
            }
            throw;
        }
    }

    public static Task AnalyzeAsync(string owner, List<LoadStep> steps, Stopwatch load, CancellationToken ct) =>
        InParallelAsync(owner, Tables.Split(", ").Select(t => ($"ANALYZE {t}", (string?)null)), steps, load, ct);

    // Runs the statements (each with its follow-up in the same transaction) on Connections connections, in order of
    // start; the first failure cancels the others.
    private static async Task InParallelAsync(string owner, IEnumerable<(string Statement, string? ThenInSameTransaction)> statements, List<LoadStep> steps,
        Stopwatch load, CancellationToken ct)
    {
        var queue = new Queue<(string, string?)>(statements);
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(ct);
        async Task WorkAsync()
        {
            await using var connection = new NpgsqlConnection(owner);
            await connection.OpenAsync(failed.Token);
            await connection.ExecuteAsync(new CommandDefinition(Session, cancellationToken: failed.Token));
            while (true)
            {
                (string Statement, string? Then) next;
                lock (queue)
                    if (!queue.TryDequeue(out next)) return;
                var clock = Stopwatch.StartNew();
                try
                {
                    // Two statements in one command and no BEGIN: one implicit transaction.
                    await connection.ExecuteAsync(new CommandDefinition(next.Then is null ? next.Statement : next.Statement + ";\n" + next.Then,
                        commandTimeout: 0, cancellationToken: failed.Token));
                }
                catch
                {
                    await failed.CancelAsync();
                    throw;
                }
                lock (steps) steps.Add(new LoadStep(next.Statement, clock.Elapsed, load.Elapsed));
            }
        }
        var workers = Enumerable.Range(0, Connections).Select(_ => WorkAsync()).ToList();
        try
        {
            await Task.WhenAll(workers);
        }
        catch when (workers.FirstOrDefault(w => w.IsFaulted && w.Exception?.InnerException is not OperationCanceledException) is { } first)
        {
            // Report the statement that failed, not the cancellations it caused.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first.Exception!.InnerException!);
        }
    }

    // Back to where the load started: no rows, every index and constraint (built on the empty tables at once).
    private static async Task EmptyAsync(string owner)
    {
        await using var connection = new NpgsqlConnection(owner);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync(new CommandDefinition($"""
            SET LOCAL techcourse.audit_maintenance = 'on';
            TRUNCATE {Tables} RESTART IDENTITY CASCADE;
            """, transaction: transaction, commandTimeout: 0));
        foreach (var pending in await connection.QueryAsync<string>(new CommandDefinition(
                     "SELECT statement FROM bulk_load_pending ORDER BY wave, position", transaction: transaction)))
            await connection.ExecuteAsync(new CommandDefinition(pending, transaction: transaction, commandTimeout: 0));
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM bulk_load_pending", transaction: transaction));
        await transaction.CommitAsync();
    }
}
