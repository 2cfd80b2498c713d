using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using TechCourse.Admin.Infrastructure.Configuration;

namespace TechCourse.Admin.Infrastructure.Observability;

// Metrics and traces with OpenTelemetry, and the console log's format (Observability:*). With the defaults nothing is
// collected and nothing leaves the process: metrics are kept only for a scrape endpoint (Observability:PrometheusPort)
// or an OTLP collector (Observability:OtlpEndpoint), traces only for the collector.
//
// The Prometheus exporter for ASP.NET Core is only published as a beta (OpenTelemetry.Exporter.Prometheus.AspNetCore
// 1.20.1-beta.1; the OTLP exporter is the stable route and is here too). The beta is acceptable because it is off unless
// a port is configured, it runs on a listener of its own that only serves GET /metrics, and what it renders is the
// text format Prometheus reads, checked by ObservabilityTests on every run; a change in its API shows up as a build
// error in PrometheusScrapeServer, the one place that uses it.
public static class ObservabilityServices
{
    public static void AddObservability(this WebApplicationBuilder builder)
    {
        var settings = builder.Configuration.ReadSettings<ObservabilityOptions>();
        builder.Services.AddSettings<ObservabilityOptions>();
        if (settings.JsonLogs)
            builder.Logging.AddJsonConsole(json =>
            {
                json.IncludeScopes = true;
                json.UseUtcTimestamp = true;
                json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
            });
        if (!settings.Prometheus && !settings.Otlp) return;

        builder.Services.AddSingleton<CircuitCounter>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<CircuitHandler, CircuitCounter>(provider => provider.GetRequiredService<CircuitCounter>()));
        builder.Services.AddSingleton<OperationalMetrics>();
        builder.Services.AddHostedService<ReplicaLagProbe>();

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("techcourse-admin", serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId))
            .WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddNpgsqlInstrumentation()
                    // Blazor's own: page navigations inside a circuit (by route) and circuit lifetimes.
                    .AddMeter("Microsoft.AspNetCore.Components", "Microsoft.AspNetCore.Components.Server.Circuits")
                    .AddMeter(AppMetrics.Name);
                if (settings.Prometheus) metrics.AddPrometheusExporter();
                if (settings.Otlp) metrics.AddOtlpExporter(otlp => Otlp(otlp, settings, "metrics"));
            });
        if (settings.Otlp)
            telemetry.WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(aspnet => aspnet.Filter = context => !context.Request.Path.StartsWithSegments("/_framework", StringComparison.Ordinal))
                .AddNpgsql()
                .AddSource(AppMetrics.Name)
                .AddOtlpExporter(otlp => Otlp(otlp, settings, "traces")));
        // Created when the host starts, so the gauges exist before the first collection.
        builder.Services.AddHostedService(provider => provider.GetRequiredService<OperationalMetrics>());
        if (settings.Prometheus)
        {
            builder.Services.AddSingleton<PrometheusScrapeServer>();
            builder.Services.AddHostedService(provider => provider.GetRequiredService<PrometheusScrapeServer>());
        }
    }

    // Over HTTP each signal has its own path under the collector's address; gRPC takes the address itself.
    private static void Otlp(OtlpExporterOptions otlp, ObservabilityOptions settings, string signal)
    {
        var http = settings.OtlpProtocol == OtlpProtocol.HttpProtobuf;
        otlp.Protocol = http ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc;
        otlp.Endpoint = new Uri(http ? $"{settings.OtlpEndpoint.TrimEnd('/')}/v1/{signal}" : settings.OtlpEndpoint);
    }
}
