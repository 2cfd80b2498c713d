using System.Net;
using System.Text.RegularExpressions;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TechCourse.Admin.Components;
using TechCourse.Admin.Infrastructure.Database;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Reliability;

[Trait("Category", "Reliability")]
public sealed partial class UnexpectedErrorTests
{
    [Fact]
    public async Task An_unexpected_server_error_shows_a_calm_page_whose_reference_is_in_the_log()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var app = await ExternalApp.StartAsync(database, new Dictionary<string, string> { ["Reliability__FaultEndpoints"] = "true" });
        using var client = ExternalApp.NewClient(app);

        var response = await client.GetAsync(new Uri("/_faults/throw", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        var id = ReferencePattern().Match(body).Groups[1].Value;

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("Something went wrong", body, StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.DoesNotContain("Injected fault", body, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        await Eventually.WaitForAsync(() => app.Output.Contains($"Unhandled error {id} on GET /_faults/throw", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "the log line");
        Assert.Contains("Injected fault", app.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unexpected_error_in_an_interactive_page_shows_a_reference_that_is_logged_with_it()
    {
        await using var context = MudTestContext.Create();
        var log = new CapturingLoggerProvider();
        context.Services.AddLogging(logging => logging.AddProvider(log));

        var boundary = context.Render<AppErrorBoundary>(parameters => parameters.Add(b => b.ChildContent, (RenderFragment)(builder =>
        {
            builder.OpenComponent<ThrowingButton>(0);
            builder.CloseComponent();
        })));
        await boundary.Find("button").ClickAsync(new MouseEventArgs());

        var id = boundary.Find("[data-testid=correlation-id]").TextContent;
        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.Contains("Something went wrong on this page", boundary.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("Boom from a button", boundary.Markup, StringComparison.Ordinal);
        var entry = Assert.Single(log.Entries, e => e.Level == LogLevel.Error);
        Assert.Contains(id, entry.Message, StringComparison.Ordinal);
        Assert.Equal("Boom from a button", entry.Exception?.Message);
        Assert.Contains(entry.Scopes, scope => scope.Contains(id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_database_failure_in_an_interactive_page_says_nothing_was_saved_and_to_try_again()
    {
        await using var context = MudTestContext.Create();

        var boundary = context.Render<AppErrorBoundary>(parameters => parameters.Add(b => b.ChildContent, (RenderFragment)(builder =>
        {
            builder.OpenComponent<ThrowingButton>(0);
            builder.AddComponentParameter(1, nameof(ThrowingButton.Error), new Npgsql.NpgsqlException("connection refused", new System.Net.Sockets.SocketException(111)));
            builder.CloseComponent();
        })));
        await boundary.Find("button").ClickAsync(new MouseEventArgs());

        Assert.Contains("The database did not answer, so this page could not finish (nothing was half-saved). Try again in a moment.", boundary.Markup, StringComparison.Ordinal);
        Assert.Empty(boundary.FindAll("[data-testid=correlation-id]"));
    }

    [GeneratedRegex("data-testid=\"correlation-id\">([^<]*)<")]
    private static partial Regex ReferencePattern();

    private sealed class ThrowingButton : ComponentBase
    {
        [Parameter] public Exception? Error { get; set; }

        protected override void BuildRenderTree(RenderTreeBuilder builder)
        {
            builder.OpenElement(0, "button");
            builder.AddAttribute(1, "onclick", EventCallback.Factory.Create<MouseEventArgs>(this, () => throw (Error ?? new InvalidOperationException("Boom from a button"))));
            builder.AddContent(2, "Save");
            builder.CloseElement();
        }
    }
}

public sealed record CapturedLog(LogLevel Level, string Message, Exception? Exception, IReadOnlyList<string> Scopes);

// Collects log entries (with their scopes) so a test can assert what reached the structured log.
public sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly List<CapturedLog> entries = [];
    private IExternalScopeProvider scopes = new LoggerExternalScopeProvider();

    public IReadOnlyList<CapturedLog> Entries
    {
        get
        {
            lock (entries) return [.. entries];
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => scopes = scopeProvider;

    public void Dispose() { }

    private sealed class Logger(CapturingLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner.scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scopeTexts = new List<string>();
            owner.scopes.ForEachScope((scope, list) => list.Add(scope is IEnumerable<KeyValuePair<string, object>> pairs ? string.Join(";", pairs.Select(p => $"{p.Key}={p.Value}")) : scope?.ToString() ?? ""), scopeTexts);
            lock (owner.entries) owner.entries.Add(new CapturedLog(logLevel, formatter(state, exception), exception, scopeTexts));
        }
    }
}
