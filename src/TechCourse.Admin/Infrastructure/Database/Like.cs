namespace TechCourse.Admin.Infrastructure.Database;

// Patterns for LIKE/ILIKE built from what a user typed: its %, _ and \ match themselves.
public static class Like
{
    public static string Escape(string term) => term.Replace(@"\", @"\\", StringComparison.Ordinal)
        .Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal);

    public static string Contains(string term) => $"%{Escape(term)}%";

    // The smallest string after every string that starts with prefix (code-point order), for a btree range scan.
    public static string PrefixEnd(string prefix) => prefix.Length == 0 ? "\uffff" : prefix[..^1] + (char)(prefix[^1] + 1);
}
