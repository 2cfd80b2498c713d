using TechCourse.Admin.Infrastructure.Database;

namespace TechCourse.Admin.Infrastructure.Cli;

// A verb's database: the app's own start-up work (embedded cluster, migrations, runtime login) in a host without the
// web server, stopped (and the embedded cluster with it) when the verb ends.
public sealed class VerbDatabase : IAsyncDisposable
{
    private readonly IHost host;

    private VerbDatabase(IHost host) => this.host = host;

    public DatabaseConnections Connections => host.Services.GetRequiredService<DatabaseConnections>();
    public MigrationStartup Migrations => host.Services.GetRequiredService<MigrationStartup>();

    public static async Task<VerbDatabase> StartAsync(VerbContext context, CancellationToken ct)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = context.ContentRoot, DisableDefaults = true });
        builder.Configuration.AddConfiguration(context.Configuration);
        builder.Services.AddSingleton(context.Loggers);
        // The verb, not the host, answers Ctrl+C and SIGTERM.
        builder.Services.AddSingleton<IHostLifetime, VerbLifetime>();
        builder.AddDatabase(new DatabaseStartupWork(MigrateExternalDatabase: true, LoadDemoData: false));
        var host = builder.Build();
        try
        {
            await host.StartAsync(ct);
            return new VerbDatabase(host);
        }
        catch
        {
            await DisposeAsync(host);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync(CancellationToken.None);
        await DisposeAsync(host);
    }

    private static ValueTask DisposeAsync(IHost host) => host is IAsyncDisposable disposable ? disposable.DisposeAsync() : ValueTask.CompletedTask;

    private sealed class VerbLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;
        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
