using System.Net;
using System.Text.RegularExpressions;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Infrastructure;

// Tests, load tests and benchmarks send traffic only to 127.0.0.0/8: no other IPv4 address is written anywhere in the
// code or scripts, not even to fake an unreachable server (SilentServer does that on loopback).
public sealed partial class LoopbackOnlyTests
{
    private static readonly string[] Folders = ["src", "tests", "bench", "sql", ".ci", "docs"];
    private static readonly string[] Extensions = [".cs", ".razor", ".sh", ".sql", ".json", ".js", ".md", ".props", ".csproj", ".runsettings", ""];

    [Fact]
    public void No_ipv4_address_outside_loopback_is_written_in_the_code_or_scripts()
    {
        var found = Folders.Select(folder => Path.Combine(RepositoryPaths.Root, folder)).Where(Directory.Exists)
            .SelectMany(folder => Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
            .Where(file => !file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !file.Contains($"{Path.DirectorySeparatorChar}TestResults{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && Extensions.Contains(Path.GetExtension(file)))
            .SelectMany(file => File.ReadLines(file).Select((line, index) => (file, line, index)))
            .SelectMany(l => Address().Matches(l.line).Select(m => (l.file, l.index, m.Value)))
            .Where(hit => IPAddress.TryParse(hit.Value, out var address) && address.GetAddressBytes()[0] != 127)
            .Select(hit => $"{Path.GetRelativePath(RepositoryPaths.Root, hit.file)}:{hit.index + 1}: {hit.Value}")
            .ToList();

        Assert.True(found.Count == 0, "Addresses outside 127.0.0.0/8:" + Environment.NewLine + string.Join(Environment.NewLine, found));
    }

    [GeneratedRegex(@"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")]
    private static partial Regex Address();
}
