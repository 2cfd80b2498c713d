using System.Collections.Concurrent;
using System.Text;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Browser;

// axe-core with the WCAG 2.0/2.1 A and AA rules. Every violation is counted (by impact and rule, for the summary in the
// artifacts folder); critical and serious ones fail the test that checked the state, naming the rule and the selectors.
public sealed class AxeCheck
{
    private static readonly AxeRunOptions Options = new()
    {
        RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    };

    private readonly ConcurrentBag<(string State, string Impact, string Rule, int Nodes)> counted = [];
    private readonly ConcurrentBag<string> failures = [];
    private int states;

    public async Task CheckAsync(IPage page, string state)
    {
        var result = await page.RunAxe(Options);
        Interlocked.Increment(ref states);
        foreach (var violation in result.Violations)
        {
            var impact = violation.Impact ?? "unknown";
            counted.Add((state, impact, violation.Id, violation.Nodes.Length));
            if (impact is "critical" or "serious")
                failures.Add($"{state}: {impact} {violation.Id} ({violation.Help}) at {string.Join(" | ", violation.Nodes.Take(5).Select(n => n.Target?.ToString()))}" +
                             // The first node's markup and axe's reason (for contrast: the two colours and the ratio) name the element.
                             $" — {Shorten(violation.Nodes.FirstOrDefault()?.Html)}: {Shorten(Reason(violation.Nodes.FirstOrDefault()))}" +
                             (violation.Nodes.Length > 5 ? $" and {violation.Nodes.Length - 5} more" : ""));
        }
    }

    private static string? Reason(AxeResultNode? node) =>
        node is null ? null : string.Join("; ", (node.Any ?? []).Concat(node.All ?? []).Concat(node.None ?? []).Select(c => c.Message).Where(m => !string.IsNullOrEmpty(m)));

    private static string Shorten(string? text) => text is null ? "" : text.Length <= 200 ? text.ReplaceLineEndings(" ") : text[..200].ReplaceLineEndings(" ") + "…";

    // Opens a state to check; a state that cannot be opened is a failure too, and the other states are still checked.
    public async Task<bool> TryAsync(string state, Func<Task> open)
    {
        try
        {
            await open();
            return true;
        }
        catch (Exception e) when (e is TimeoutException or PlaywrightException)
        {
            failures.Add($"{state}: could not be opened ({e.Message.Split('\n')[0]})");
            return false;
        }
    }

    // Writes the counts to artifacts/axe-{name}.txt and fails on any critical or serious violation.
    public void AssertNoSeriousViolations(string name)
    {
        var summary = new StringBuilder($"{states} page states checked\n");
        foreach (var impact in counted.GroupBy(c => c.Impact).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            summary.AppendLine($"{impact.Key}: {impact.Sum(c => c.Nodes)} nodes in {impact.Count()} violations");
            foreach (var rule in impact.GroupBy(c => c.Rule).OrderByDescending(g => g.Sum(c => c.Nodes)))
                summary.AppendLine($"  {rule.Key}: {rule.Sum(c => c.Nodes)} nodes in {rule.Count()} states");
        }
        File.WriteAllText(Path.Combine(RepositoryPaths.ArtifactsDirectory, $"axe-{name}.txt"), summary.ToString());
        Assert.True(failures.IsEmpty, $"{failures.Count} critical or serious axe violations:\n{string.Join("\n", failures.Order(StringComparer.Ordinal))}\n\n{summary}");
    }
}
