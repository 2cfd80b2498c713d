using Dapper;

namespace TechCourse.Admin.Infrastructure.Database;

// The WHERE conditions of a list query (courses, enrollments, audit log): fixed SQL fragments, each value a parameter,
// the keyset cursor of "load more" as a row comparison. Several sets may share one parameter bag.
public sealed class SqlConditions(DynamicParameters? parameters = null)
{
    private readonly List<string> conditions = [];

    public DynamicParameters Parameters { get; } = parameters ?? new DynamicParameters();
    public int Count => conditions.Count;
    public string Sql => conditions.Count == 0 ? "true" : string.Join(" AND ", conditions);

    public SqlConditions If(bool applies, string condition)
    {
        if (applies) conditions.Add(condition);
        return this;
    }

    // Adds the condition with its parameter when the value is set (a filter left empty adds nothing).
    public SqlConditions IfSet(object? value, string condition, string parameter)
    {
        if (value is null || value is string text && string.IsNullOrWhiteSpace(text)) return this;
        conditions.Add(condition);
        Parameters.Add(parameter, value);
        return this;
    }

    // Rows after the cursor in a newest-first order over (time, id): the keyset of "load more".
    public SqlConditions Before(string timeColumn, string idColumn, (DateTimeOffset Time, int Id)? cursor)
    {
        if (cursor is not { } after) return this;
        conditions.Add($"({timeColumn}, {idColumn}) < (@afterAt, @afterId)");
        Parameters.Add("afterAt", after.Time);
        Parameters.Add("afterId", after.Id);
        return this;
    }
}
