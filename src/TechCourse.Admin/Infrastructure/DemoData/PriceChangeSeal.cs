using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace TechCourse.Admin.Infrastructure.DemoData;

// price_change_hash (0007) for a loaded price change: sha256(previous hash || the jsonb text of
// [log_id, course_id, old_price, new_price, epoch seconds, changed_by, source, reason]). Loaded entries have no
// changed_by and no reason. The loader's test checks the database's own verification accepts the result.
public static class PriceChangeSeal
{
    public static byte[] Hash(byte[] previous, int logId, int courseId, decimal oldPrice, decimal newPrice, DateTimeOffset changedAt, string source)
    {
        // extract(epoch FROM timestamptz) is a numeric with 6 decimals; numerics print with the scale they were sent with.
        var epoch = ((changedAt.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10 / 1_000_000m).ToString("F6", CultureInfo.InvariantCulture);
        var content = string.Create(CultureInfo.InvariantCulture,
            $"[{logId}, {courseId}, {oldPrice}, {newPrice}, {epoch}, null, {JsonString(source)}, null]");
        var bytes = new byte[previous.Length + Encoding.UTF8.GetByteCount(content)];
        previous.CopyTo(bytes, 0);
        Encoding.UTF8.GetBytes(content, bytes.AsSpan(previous.Length));
        return SHA256.HashData(bytes);
    }

    // PostgreSQL's JSON string escaping (escape_json): quotes, backslashes and control characters only.
    private static string JsonString(string value)
    {
        var json = new StringBuilder(value.Length + 2).Append('"');
        foreach (var ch in value)
            json.Append(ch switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\b' => "\\b",
                '\f' => "\\f",
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                < ' ' => $"\\u{(int)ch:x4}",
                _ => ch.ToString(),
            });
        return json.Append('"').ToString();
    }
}
