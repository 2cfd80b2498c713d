using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Playwright;
using TechCourse.Admin.Infrastructure.Security;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Browser;

// Issue 23, section 4: the repository's nginx setup (deploy/nginx/up.sh: TLS, sticky sessions) in front of two
// instances on one database. Runs where Debian's nginx is installed, else it is skipped.
[Collection(BrowserCollection.Name)]
public sealed partial class ProxyJourneyTests(BrowserFixture browser)
{
    [NginxFact]
    public async Task An_admin_changes_a_price_through_the_proxy_and_keeps_the_page_when_their_instance_stops()
    {
        await using var site = await ProxiedSite.StartAsync();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var title = $"Proxied pricing {tag}";
        await using (var owner = await site.Database.DataSource.OpenConnectionAsync())
            await owner.ExecuteAsync("""
                INSERT INTO users (email, role) VALUES (@email, 'Instructor');
                INSERT INTO courses (instructor_id, title, price, is_published) SELECT user_id, @title, 50, true FROM users WHERE email = @email;
                """, new { title, email = $"proxied-{tag}@techcourse.com" });

        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = site.Address.ToString(), IgnoreHTTPSErrors = true });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        await BrowserFixture.SignInAsync(page, ExternalApp.AdminEmail, ExternalApp.AdminPassword, $"/courses?q={tag}");
        Assert.StartsWith("https://", page.Url, StringComparison.Ordinal);
        var priceButton = page.GetByRole(AriaRole.Button, new() { Name = $"Change price of {title}" });
        await priceButton.ClickAsync();
        await page.GetByLabel("New price").FillAsync("42.50");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save price" }).ClickAsync();
        await page.GetByText($"{title}: price is now $42.50.").WaitForAsync();
        var (serving, other) = site.ServingCircuits();
        await page.EvaluateAsync("() => window.beforeFailover = true");

        await serving.StopAsync();

        // The circuit's instance is gone: the page's reconnection reaches the other one through the proxy, which does
        // not know the circuit, so the page reloads there from its URL, still signed in.
        await page.WaitForFunctionAsync("() => window.beforeFailover === undefined", null, new() { Timeout = 60_000 });
        await BrowserFixture.WaitUntilInteractiveAsync(page);
        Assert.True(CircuitRequests(other) > 0, "the new circuit is not on the other instance");
        Assert.EndsWith($"/courses?q={tag}", page.Url, StringComparison.Ordinal);
        Assert.Equal("$42.50", (await priceButton.InnerTextAsync()).Trim());
        await priceButton.ClickAsync();
        await page.GetByLabel("New price").FillAsync("40");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save price" }).ClickAsync();
        await page.GetByText($"{title}: price is now $40.00.").WaitForAsync();
        await context.CloseAsync();
    }

    private static int CircuitRequests(TestApp instance) => CircuitRequest().Count(instance.Output);

    [GeneratedRegex(@"Request starting HTTP/1\.1 (?:GET|POST) https?://[^ ]+/_blazor")]
    private static partial Regex CircuitRequest();

    // Two instances (the test process hosts them) on one database and key ring, behind nginx started by the repo's script.
    private sealed class ProxiedSite : IAsyncDisposable
    {
        private readonly string state = Directory.CreateTempSubdirectory("tc-nginx-").FullName;
        private readonly string certificate;
        private readonly List<TestApp> instances = [];

        private ProxiedSite(TestDatabase database)
        {
            Database = database;
            certificate = Path.Combine(state, "keyring.pfx");
        }

        public TestDatabase Database { get; }
        public Uri Address { get; private set; } = null!;

        public static async Task<ProxiedSite> StartAsync()
        {
            var site = new ProxiedSite(await TestDatabase.CreateAsync());
            try
            {
                await site.StartInstancesAndProxyAsync();
                return site;
            }
            catch
            {
                await site.DisposeAsync();
                throw;
            }
        }

        private async Task StartInstancesAndProxyAsync()
        {
            await ExternalApp.CreateAdminAsync(Database.ConnectionString);
            var runtime = await ExternalApp.CreateRuntimeLoginAsync(Database.ConnectionString);
            KeyRingCertificate.Create(certificate);
            for (var i = 0; i < 2; i++)
                instances.Add(await TestApp.StartAsync(new Dictionary<string, string>
                {
                    ["ConnectionStrings:TechCourse"] = runtime,
                    ["ConnectionStrings:TechCourseMigrations"] = Database.ConnectionString,
                    ["DataProtection:CertificatePath"] = certificate,
                    ["ReverseProxy:KnownProxies"] = "127.0.0.1",
                    ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "Information",
                }));
            var port = FreePort();
            await RunScriptAsync("up.sh", new Dictionary<string, string>
            {
                ["TC_NGINX_PORT"] = $"{port}",
                ["TC_NGINX_UPSTREAMS"] = string.Join(' ', instances.Select(i => $"{i.BaseAddress.Host}:{i.BaseAddress.Port}")),
                ["TC_NGINX_NAMES"] = "localhost",
            });
            Address = new Uri($"https://localhost:{port}/");
        }

        // The instance whose log shows the circuit's requests, and the other one.
        public (TestApp Serving, TestApp Other) ServingCircuits() =>
            CircuitRequests(instances[0]) >= CircuitRequests(instances[1]) ? (instances[0], instances[1]) : (instances[1], instances[0]);

        private async Task RunScriptAsync(string script, IReadOnlyDictionary<string, string>? environment = null)
        {
            var start = new ProcessStartInfo("bash", [Path.Combine(RepositoryPaths.Root, "deploy", "nginx", script)]) { RedirectStandardOutput = true, RedirectStandardError = true };
            start.Environment["TC_NGINX_DIR"] = state;
            foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0) throw new InvalidOperationException($"deploy/nginx/{script} failed ({process.ExitCode}): {await output}{await errors}");
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        public async ValueTask DisposeAsync()
        {
            if (File.Exists(Path.Combine(state, "nginx.pid"))) await RunScriptAsync("down.sh");
            foreach (var instance in instances) await instance.DisposeAsync();
            await Database.DisposeAsync();
            Directory.Delete(state, recursive: true);
        }
    }
}

public sealed class NginxFactAttribute : FactAttribute
{
    public NginxFactAttribute()
    {
        if (!File.Exists("/usr/sbin/nginx")) Skip = "Debian's nginx is not installed (apt-get install -y nginx)";
    }
}
