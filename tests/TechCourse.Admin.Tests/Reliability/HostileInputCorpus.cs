namespace TechCourse.Admin.Tests.Reliability;

// Hostile values for every field and URL parameter, each already encoded for a URL or form body.
public static class HostileInputCorpus
{
    private static readonly string[] Raw =
    [
        "", " ", "\t\r\n", new string('a', 10_000), "\0", "a\0b", "\u0001\u001f\u007f", "\u202Eevil\u202C", "e\u0301\u0301\u0301\u0301",
        "👩‍💻🚀", "\uFEFF", "' OR '1'='1", "'; DROP TABLE users; --", "1; SELECT pg_sleep(10)", "\" OR \"\"=\"", "%' AND 1=1 --", "\\",
        "%", "_", "../../etc/passwd", "<script>alert(1)</script>", "${jndi:ldap://x}", "{{7*7}}", "{\"a\":", "{\"a\": [1, 2, }",
        new string('[', 5_000) + new string(']', 5_000), string.Concat(Enumerable.Repeat("{\"a\":", 2_000)) + "1" + new string('}', 2_000),
        "99999999999999999999999999999", "-99999999999999999999999999999", "1e309", "-0", "-0.0", "NaN", "Infinity", "-Infinity",
        "2147483648", "-2147483649", "-1", "0.001", "1,5", "0001-01-01", "9999-12-31T23:59:59Z", "10000-01-01", "2026-02-30", "-infinity",
        "00000000-0000-0000-0000-000000000000", "3f2504e0-4f89-11d3-9a0c-0305e82c3301", "not-a-guid", "Superuser", "Student", "true", "null", "undefined",
    ];

    // Encodings that Uri.EscapeDataString cannot produce: invalid UTF-8 and a lone surrogate's bytes.
    private static readonly string[] PreEncoded = ["%FF%FE", "%ED%A0%80", "%C0%AF", "%00%00"];

    public static IReadOnlyList<string> Encoded { get; } = [.. Raw.Select(Uri.EscapeDataString), .. PreEncoded];

    public static int Count => Encoded.Count;
}
