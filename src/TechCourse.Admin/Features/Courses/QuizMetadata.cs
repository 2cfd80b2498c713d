using System.Text.Json;
using System.Text.Json.Nodes;

namespace TechCourse.Admin.Features.Courses;

// A course's quiz_metadata as a JSON object: the form edits the three keys it knows and keeps every other key as it was.
public sealed class QuizMetadata
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private JsonObject json;

    private QuizMetadata(JsonObject json) => this.json = json;

    public static QuizMetadata Empty() => new([]);

    // Null or blank stays empty; anything that is not a JSON object is refused with a message for the field.
    public static (QuizMetadata? Metadata, string? Error) Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return (Empty(), null);
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            return (null, $"This is not valid JSON: {e.Message.Split(" Path:")[0]}");
        }
        if (node is not JsonObject obj) return (null, "The quiz metadata must be a JSON object, e.g. {\"questions\": 20}.");
        var metadata = new QuizMetadata(obj);
        return metadata.Error is { } error ? (null, error) : (metadata, null);
    }

    public int? Questions
    {
        get => Int("questions");
        set => Set("questions", value);
    }

    public string? Difficulty
    {
        get => json["difficulty"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        set => Set("difficulty", value);
    }

    public int? PassingScore
    {
        get => Int("passing_score");
        set => Set("passing_score", value);
    }

    // What is wrong with the known keys, if anything (a hand-written JSON may hold anything).
    public string? Error =>
        json.ContainsKey("questions") && Questions is not > 0 ? "\"questions\" must be a positive whole number."
        : json.ContainsKey("difficulty") && !(Difficulty is { } d && CourseRules.Difficulties.Contains(d)) ? "\"difficulty\" must be Easy, Medium or Hard."
        : json.ContainsKey("passing_score") && PassingScore is not (>= 0 and <= 100) ? "\"passing_score\" must be a whole number from 0 to 100."
        : null;

    public bool IsEmpty => json.Count == 0;

    // The value to store: null when no key is left, so a course without a quiz stays NULL.
    public string? ToJson() => IsEmpty ? null : json.ToJsonString();

    public string ToIndentedJson() => IsEmpty ? "{}" : json.ToJsonString(Indented);

    private int? Int(string key) => json[key] is JsonValue v && v.TryGetValue<int>(out var i) ? i
        : json[key] is JsonValue d && d.TryGetValue<decimal>(out var m) && decimal.Truncate(m) == m && m is >= int.MinValue and <= int.MaxValue ? (int)m : null;

    private void Set<T>(string key, T? value)
    {
        if (value is null) json.Remove(key);
        else json[key] = JsonValue.Create(value);
    }
}
