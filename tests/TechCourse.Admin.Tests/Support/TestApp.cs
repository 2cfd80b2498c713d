using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TechCourse.Admin.Tests.Support;

// The real app hosted in the test process (WebApplicationFactory<Program>) on Kestrel at a free loopback port, so a
// browser can reach it too. Settings use the configuration's key form (Section:Key or Section__Key); the log is kept
// as text in Output.
public sealed class TestApp : IAsyncDisposable
{
    private readonly Factory factory;
    private int stopped;

    private TestApp(Factory factory, Uri baseAddress)
    {
        this.factory = factory;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }
    public IServiceProvider Services => factory.Services;
    public string Output => factory.Log.Text;

    public static async Task<TestApp> StartAsync(IReadOnlyDictionary<string, string> settings, string environment = "Development")
    {
        var factory = new Factory(settings, environment);
        try
        {
            // The host runs the start-up work (cluster, migrations, demo data) before it listens: off the test's thread.
            await Task.Run(factory.StartServer);
            var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            return new TestApp(factory, new Uri(address.EndsWith('/') ? address : address + "/"));
        }
        catch
        {
            await factory.DisposeAsync();
            throw;
        }
    }

    public HttpClient NewClient() => new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = BaseAddress };

    // Stops the host the way a stop signal does: the web server, the background services, then the embedded cluster.
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref stopped, 1) == 0) await factory.DisposeAsync();
    }

    public ValueTask DisposeAsync() => new(StopAsync());

    private sealed class Factory(IReadOnlyDictionary<string, string> settings, string environment) : WebApplicationFactory<Program>
    {
        public LogText Log { get; } = new();

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
            builder.UseEnvironment(environment);
            builder.UseContentRoot(RepositoryPaths.Root);
            builder.ConfigureServices(services => services.AddSingleton<ILoggerProvider>(Log));
        }

        // Host configuration reaches Program as command-line arguments, so the app sees these settings already while it
        // registers its services (the key ring's certificate is loaded then); ConfigureAppConfiguration would apply them
        // only when the builder builds.
        protected override IHost CreateHost(IHostBuilder builder)
        {
            builder.ConfigureHostConfiguration(configuration => configuration.AddInMemoryCollection(
                settings.Select(s => KeyValuePair.Create(s.Key.Replace("__", ":", StringComparison.Ordinal), (string?)s.Value))));
            return base.CreateHost(builder);
        }
    }

    public sealed class LogText : ILoggerProvider
    {
        private readonly StringBuilder text = new();

        public string Text
        {
            get
            {
                lock (text) return text.ToString();
            }
        }

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void Dispose() { }

        private sealed class Logger(LogText owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (!IsEnabled(logLevel)) return;
                lock (owner.text)
                {
                    owner.text.Append(logLevel).Append(": ").Append(category).Append(": ").AppendLine(formatter(state, exception));
                    if (exception is not null) owner.text.AppendLine(exception.ToString());
                }
            }
        }
    }
}
