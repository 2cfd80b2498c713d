using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace TechCourse.Admin.Features.Audit;

// The chain as it stood at a moment, sealed outside the database: its head (the newest sealed entry's sequence and hash),
// how many sealed entries the table held, where the chain started (its anchor), and when and why it was written.
// Database names the database it belongs to (the cluster's system identifier and the database name), so one file can
// hold the checkpoints of several databases without mixing them.
public sealed record AuditCheckpoint(string Database, long Seq, string Hash, long Count, long AnchorSeq, string AnchorHash, DateTimeOffset At, string By, string Why)
{
    public const string Interval = "interval", Verify = "verify", Archive = "archive";

    private const string SignatureField = ",\"sig\":\"";

    // One line of JSON: the fields in a fixed order, then an HMAC-SHA256 of everything before it, so any change to the
    // line (or a line written without the key) no longer verifies.
    public string ToLine(byte[] key)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("v", 1);
            json.WriteString("db", Database);
            json.WriteNumber("seq", Seq);
            json.WriteString("hash", Hash);
            json.WriteNumber("count", Count);
            json.WriteNumber("anchor", AnchorSeq);
            json.WriteString("anchor_hash", AnchorHash);
            json.WriteString("at", At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
            json.WriteString("by", By);
            json.WriteString("why", Why);
            json.WriteEndObject();
        }
        var payload = Encoding.UTF8.GetString(buffer.ToArray());
        return payload[..^1] + SignatureField + Sign(key, payload) + "\"}";
    }

    // The checkpoint of a line, or why the line cannot be trusted.
    public static (AuditCheckpoint? Checkpoint, string? Problem) Parse(string line, byte[] key)
    {
        var at = line.LastIndexOf(SignatureField, StringComparison.Ordinal);
        if (at < 0 || !line.EndsWith("\"}", StringComparison.Ordinal)) return (null, "it is not a signed checkpoint (cut short, or not written by the app)");
        var payload = line[..at] + "}";
        var signature = line[(at + SignatureField.Length)..^2];
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(key, payload)), Encoding.ASCII.GetBytes(signature)))
            return (null, "its signature does not match (the line was edited, or signed with another key)");
        try
        {
            var root = JsonDocument.Parse(payload).RootElement;
            return (new AuditCheckpoint(root.GetProperty("db").GetString()!, root.GetProperty("seq").GetInt64(), root.GetProperty("hash").GetString()!,
                root.GetProperty("count").GetInt64(), root.GetProperty("anchor").GetInt64(), root.GetProperty("anchor_hash").GetString()!,
                DateTimeOffset.Parse(root.GetProperty("at").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                root.GetProperty("by").GetString()!, root.GetProperty("why").GetString()!), null);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return (null, "it is signed but not a checkpoint this version understands");
        }
    }

    // The same chain state (what a new checkpoint would add nothing to).
    public bool SameHeadAs(AuditCheckpoint other) =>
        Database == other.Database && Seq == other.Seq && Hash == other.Hash && Count == other.Count && AnchorSeq == other.AnchorSeq && AnchorHash == other.AnchorHash;

    private static string Sign(byte[] key, string payload) => Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(payload)));
}
