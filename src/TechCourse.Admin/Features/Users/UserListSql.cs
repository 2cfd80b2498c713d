using Dapper;
using TechCourse.Admin.Infrastructure.Database;

namespace TechCourse.Admin.Features.Users;

// One statement per users-list page, answered from indexes that hold every listed column (0012).
// Without a search: a keyset range of the sort order's index, and the exact count of the role from user_role_counts.
// With a search: walk at most `window` users in page order, test each email, and stop at the first page of matches
// (a broad term like "john" fills a page within a few thousand users). A term too rare to fill a page there is looked
// up in the trigram index instead, and its matches are sorted. Either way the count comes with the page: exact when
// every match was seen, scaled from how far the walk went in creation order, unknown (null) in email order.
public static class UserListSql
{
    public const string Columns = "user_id, email, role, created_at, anonymised_at";

    public static (string Sql, DynamicParameters Args) Build(UserFilter filter, UserCursor? after, int limit, int window, bool activeOnly = false)
    {
        var args = new DynamicParameters();
        var scope = new List<string> { "true" };
        if (!string.IsNullOrWhiteSpace(filter.Role))
        {
            scope.Add("role = @role");
            args.Add("role", filter.Role);
        }
        if (activeOnly) scope.Add("anonymised_at IS NULL");
        // Page order; where the page after `after` starts; the users up to the last hit of a search that filled its page
        // (in creation order matches are spread evenly, so that count scales to an estimate; in email order they bunch
        // up — "aaron" fills a page among the first users A–Z — so there is no estimate, the page says "of many").
        var (order, keyset, through) = filter.Sort switch
        {
            UserSort.CreatedOldest => ("created_at, user_id", "(created_at, user_id) > (@afterCreated, @afterId)", "(created_at, user_id) <= (last_created, last_id)"),
            UserSort.EmailAscending => ("email_key", "lower(email) > lower(@afterEmail)", null),
            UserSort.EmailDescending => ("email_key DESC", "lower(email) < lower(@afterEmail)", null),
            _ => ("created_at DESC, user_id DESC", "(created_at, user_id) < (@afterCreated, @afterId)", "(created_at, user_id) >= (last_created, last_id)"),
        };
        if (after is not null)
        {
            scope.Add(keyset);
            args.Add("afterEmail", after.Email);
            args.Add("afterCreated", after.CreatedAt);
            args.Add("afterId", after.UserId);
        }
        args.Add("limit", limit);
        var where = string.Join(" AND ", scope);
        var roleCount = $"(SELECT coalesce(sum(users), 0) FROM user_role_counts{(string.IsNullOrWhiteSpace(filter.Role) ? "" : " WHERE role = @role")})::bigint";
        const string source = $"SELECT {Columns}, lower(email) AS email_key FROM users";

        if (string.IsNullOrWhiteSpace(filter.Search))
            return ($"""
                SELECT {Columns}, {roleCount} AS total
                FROM ({source} WHERE {where} ORDER BY {order} LIMIT @limit) page
                ORDER BY {order}
                """, args);

        var term = filter.Search.Trim();
        args.Add("term", term.ToLowerInvariant());
        args.Add("pattern", Like.Contains(term));
        args.Add("window", window);
        // The fallback's plan is costed for every match the planner expects, so a broad term pushes the statement over
        // jit_above_cost, and compiling takes many times longer than the walk. SET LOCAL lasts for this batch only.
        return ($"""
            SET LOCAL jit = off;
            WITH hits AS MATERIALIZED (
                SELECT * FROM ({source} WHERE {where} ORDER BY {order} LIMIT @window) walk
                WHERE strpos(email_key, @term) > 0
                ORDER BY {order}
                LIMIT @limit),
            -- the walk's hits are the answer when they fill the page or the walk read every user in scope
            walked AS (
                SELECT (SELECT count(*) FROM hits) = @limit
                    OR (SELECT count(*) FROM (SELECT 1 FROM users WHERE {where} LIMIT @window) scope) < @window AS enough),
            last_hit AS (SELECT created_at AS last_created, user_id AS last_id FROM hits ORDER BY {order} OFFSET @limit - 1 LIMIT 1)
            SELECT {Columns}, total FROM (
                SELECT {Columns}, email_key,
                       CASE WHEN (SELECT count(*) FROM hits) < @limit THEN (SELECT count(*) FROM hits)
                            ELSE {(through is null ? "NULL" : $"@limit * {roleCount} / (SELECT count(*) FROM (SELECT 1 FROM users, last_hit WHERE {where} AND {through} LIMIT @window) upto)")} END AS total
                FROM hits
                WHERE (SELECT enough FROM walked)
                UNION ALL
                (SELECT {Columns}, email_key, total FROM (SELECT *, count(*) OVER () AS total
                                FROM ({source} WHERE email COLLATE "C" ILIKE @pattern AND {where} OFFSET 0) matches) matches
                 WHERE NOT (SELECT enough FROM walked)
                 ORDER BY {order}
                 LIMIT @limit)) page
            ORDER BY {order}
            """, args);
    }
}
