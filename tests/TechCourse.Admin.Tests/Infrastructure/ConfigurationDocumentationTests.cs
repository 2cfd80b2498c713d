using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using TechCourse.Admin.Infrastructure.Configuration;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Infrastructure;

// appsettings.json, the settings records and README's configuration table name the same keys with the same defaults.
public sealed partial class ConfigurationDocumentationTests
{
    // ASP.NET Core's own keys: in the file and the table, bound by the framework rather than by a settings record.
    private static readonly string[] FrameworkKeys = ["Logging:LogLevel:*", "AllowedHosts"];

    [Fact]
    public void Every_setting_of_the_records_is_in_appsettings_json_with_the_records_default()
    {
        var file = AppSettings().Where(s => !IsFrameworkKey(s.Key)).ToDictionary();

        Assert.Equal(RecordDefaults().OrderBy(s => s.Key), file.OrderBy(s => s.Key));
    }

    [Fact]
    public void Every_key_of_appsettings_json_is_in_the_readme_table_with_the_same_default()
    {
        var table = ReadmeTable();
        var file = AppSettings().Where(s => !IsFrameworkKey(s.Key)).ToDictionary();

        Assert.Equal(file.OrderBy(s => s.Key), table.Where(r => !FrameworkKeys.Contains(r.Key)).OrderBy(r => r.Key));
        Assert.All(FrameworkKeys, key => Assert.Contains(key, table.Keys));
        Assert.All(AppSettings().Keys.Where(IsFrameworkKey), key => Assert.Contains(FrameworkKeys, pattern => Matches(pattern, key)));
    }

    private static bool IsFrameworkKey(string key) => FrameworkKeys.Any(pattern => Matches(pattern, key));

    private static bool Matches(string pattern, string key) =>
        pattern.EndsWith('*') ? key.StartsWith(pattern[..^1], StringComparison.Ordinal) : key == pattern;

    private static Dictionary<string, string> RecordDefaults()
    {
        var records = typeof(ISettings).Assembly.GetTypes().Where(t => t.IsClass && !t.IsAbstract && typeof(ISettings).IsAssignableFrom(t)).ToList();
        Assert.NotEmpty(records);
        return records.SelectMany(record =>
        {
            var section = (string)record.GetProperty(nameof(ISettings.Section), BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
            var defaults = Activator.CreateInstance(record);
            return record.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite)
                .Select(p => KeyValuePair.Create($"{section}:{p.Name}", Text(p.GetValue(defaults))));
        }).ToDictionary();
    }

    private static string Text(object? value) => value switch
    {
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value?.ToString() ?? "",
    };

    private static Dictionary<string, string> AppSettings()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "appsettings.json")));
        var settings = new Dictionary<string, string>();
        void Walk(JsonElement element, string path)
        {
            if (element.ValueKind == JsonValueKind.Object)
                foreach (var property in element.EnumerateObject()) Walk(property.Value, path.Length == 0 ? property.Name : $"{path}:{property.Name}");
            else settings[path] = element.ValueKind == JsonValueKind.String ? element.GetString()! : element.GetRawText();
        }
        Walk(json.RootElement, "");
        return settings;
    }

    private static Dictionary<string, string> ReadmeTable()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "README.md"));
        var section = readme[readme.IndexOf("## Configuration", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 3, StringComparison.Ordinal)];
        return TableRow().Matches(section).ToDictionary(m => m.Groups["key"].Value, m => m.Groups["default"].Value is "\"\"" ? "" : m.Groups["default"].Value);
    }

    [GeneratedRegex(@"^\| `(?<key>[^`]+)` \| (?:`(?<default>[^`]*)`|[^|]*) \|", RegexOptions.Multiline)]
    private static partial Regex TableRow();
}
