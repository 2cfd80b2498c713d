using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Components.Server.Circuits;
using TechCourse.Admin.Features.Audit;
using TechCourse.Admin.Features.Sales;
using TechCourse.Admin.Infrastructure.Database;
using TechCourse.Admin.Infrastructure.Reliability;

namespace TechCourse.Admin.Infrastructure.Observability;

// The app's own instruments (OpenTelemetry exports them beside ASP.NET Core's and Npgsql's).
public static class AppMetrics
{
    public const string Name = "TechCourse.Admin";
    public static readonly Meter Meter = new(Name);
    public static readonly ActivitySource Activities = new(Name);

    public static readonly Counter<long> FailedWrites = Meter.CreateCounter<long>("techcourse.db.failed_writes", unit: "{write}",
        description: "Writes that failed, by SQLSTATE (or 'connection' / 'timeout' when the server did not answer) and constraint");
}

// What the background services and the circuits already know, read when metrics are collected: no query per scrape.
// One set per app (IMeterFactory), so hosts that share a process keep their own. A hosted service only so that it is
// created when the host starts.
public sealed class OperationalMetrics : IHostedService
{
    public OperationalMetrics(IMeterFactory meters, CircuitCounter circuits, AuditLiveFeed audit, SalesFoldProgress fold, ReportsDataSource reports)
    {
        var meter = meters.Create(AppMetrics.Name);
        meter.CreateObservableUpDownCounter("techcourse.circuits.open", () => circuits.Open, unit: "{circuit}",
            description: "Blazor circuits (open pages of signed-in users) held by this instance");
        meter.CreateObservableGauge("techcourse.audit.unsealed", () => Measured(audit.LastSeal?.Unsealed), unit: "{entry}",
            description: "Price changes not yet sealed into the audit chain after the sealer's last round");
        meter.CreateObservableGauge("techcourse.audit.seal.lag", () => Measured(audit.SinceLastSeal?.TotalSeconds), unit: "s",
            description: "Time since the sealer last finished a round (about 1 s while it keeps up)");
        meter.CreateObservableGauge("techcourse.rollups.fold.lag", () => Measured(fold.SinceLastRound?.TotalSeconds), unit: "s",
            description: "Time since the sales folder last finished a round (about 1 s while it keeps up)");
        meter.CreateObservableCounter("techcourse.rollups.folded", () => fold.Folded, unit: "{delta}",
            description: "Sales deltas this instance folded into the rollups");
        meter.CreateObservableGauge("techcourse.db.replica.lag", () => Measured(reports.LastLag?.TotalSeconds), unit: "s",
            description: "How far the reports connection's standby is behind its primary (only with ConnectionStrings:TechCourseReports)");
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static IEnumerable<Measurement<T>> Measured<T>(T? value) where T : struct => value is { } v ? [new Measurement<T>(v)] : [];
}

// Counts the circuits this instance holds open.
public sealed class CircuitCounter : CircuitHandler
{
    private long open;

    public long Open => Interlocked.Read(ref open);

    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref open);
        return Task.CompletedTask;
    }

    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        Interlocked.Decrement(ref open);
        return Task.CompletedTask;
    }
}

// Measures the standby's lag every few seconds while metrics are on, so the gauge reads a fresh value without a query
// of its own (the reports' lag notice shares the measurement). A standby that does not answer leaves the gauge empty
// (LagAsync); anything else is retried by the background services' one policy and never stops the app.
public sealed class ReplicaLagProbe(ReportsDataSource reports, ILogger<ReplicaLagProbe> logger) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(5);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        !reports.Separate ? Task.CompletedTask
        : new BackgroundRetry(logger, "Measuring the reports connection's replica lag", Every).RepeatAsync(async ct =>
        {
            await reports.LagAsync(ct);
            return Every;
        }, stoppingToken);
}
