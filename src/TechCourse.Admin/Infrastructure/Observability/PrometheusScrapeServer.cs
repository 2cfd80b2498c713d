using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace TechCourse.Admin.Infrastructure.Observability;

// The Prometheus scrape endpoint on a listener of its own (Observability:PrometheusPort): a second, minimal Kestrel
// server that answers GET /metrics to Observability:PrometheusAllowedAddresses and 404 to everything else. The app's
// own port never serves metrics, so neither a proxy in front of the pages nor a forged Host header reaches them, and
// the app's endpoints (ASPNETCORE_URLS, Kestrel settings) are left as they are configured.
public sealed class PrometheusScrapeServer(IServiceProvider services, IOptions<ObservabilityOptions> options, ILoggerFactory loggerFactory) : IHostedService, IAsyncDisposable
{
    public const string Path = "/metrics";
    private WebApplication? server;

    public Uri? Address { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var allowed = settings.AllowedNetworks;
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddLogging();
        builder.Services.AddSingleton(loggerFactory);
        // The app's host owns the process: its stop signals and its start-up messages.
        builder.Services.AddSingleton<IHostLifetime, QuietLifetime>();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            // Loopback only, unless someone beyond this machine is allowed to scrape.
            if (allowed.All(network => IPAddress.IsLoopback(network.BaseAddress))) kestrel.ListenLocalhost(settings.PrometheusPort);
            else kestrel.ListenAnyIP(settings.PrometheusPort);
        });
        var app = builder.Build();
        app.UseOpenTelemetryPrometheusScrapingEndpoint(services.GetRequiredService<MeterProvider>(),
            context => HttpMethods.IsGet(context.Request.Method) && context.Request.Path == Path && IsAllowed(context.Connection.RemoteIpAddress, allowed),
            path: null!, configureBranchedPipeline: null!, optionsName: null!);
        app.Run(context =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
        await app.StartAsync(cancellationToken);
        server = app;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        if (address is not null) Address = new Uri(address.Replace("[::]", "localhost", StringComparison.Ordinal) + Path);
        loggerFactory.CreateLogger<PrometheusScrapeServer>().LogInformation("Prometheus metrics at {Address} for {Allowed}", Address, settings.PrometheusAllowedAddresses);
    }

    public static bool IsAllowed(IPAddress? remote, IReadOnlyList<IPNetwork> allowed)
    {
        if (remote is null) return false;
        if (remote.IsIPv4MappedToIPv6) remote = remote.MapToIPv4();
        return allowed.Any(network => network.Contains(remote));
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (server is not null) await server.StopAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (server is not null) await server.DisposeAsync();
        server = null;
    }

    private sealed class QuietLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
