using System.Text;

namespace TechCourse.Admin.Tests.Support;

// A SQL script's statements, without comments, split on ';' outside $$ bodies (enough for the seed and sql/).
public static class SqlText
{
    public static IReadOnlyList<string> Statements(string script)
    {
        var withoutComments = string.Join('\n', script.Split('\n').Where(line => !line.TrimStart().StartsWith("--", StringComparison.Ordinal))
            .Select(line => line.Contains("--", StringComparison.Ordinal) && !line.Contains('\'', StringComparison.Ordinal) ? line[..line.IndexOf("--", StringComparison.Ordinal)] : line));
        var statements = new List<string>();
        var current = new StringBuilder();
        var inDollarBody = false;
        for (var i = 0; i < withoutComments.Length; i++)
        {
            if (withoutComments.AsSpan(i).StartsWith("$$"))
            {
                inDollarBody = !inDollarBody;
                current.Append("$$");
                i++;
                continue;
            }
            if (withoutComments[i] == ';' && !inDollarBody)
            {
                if (current.ToString().Trim() is { Length: > 0 } statement) statements.Add(statement);
                current.Clear();
                continue;
            }
            current.Append(withoutComments[i]);
        }
        if (current.ToString().Trim() is { Length: > 0 } last) statements.Add(last);
        return statements;
    }
}
