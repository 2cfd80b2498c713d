using Dapper;
using Npgsql;
using TechCourse.Admin.Infrastructure.Auth;

namespace TechCourse.Admin.Features.Courses;

// A course's price now and the change that set it: what "revert to this price" shows before it applies anything.
public sealed record CurrentPrice(int CourseId, string Title, decimal Price, PriceChange? LastChange);

public sealed class PriceNow(NpgsqlDataSource dataSource)
{
    // The prices of these courses now (a grid's rows, to show changes made elsewhere without reloading the page).
    public async Task<IReadOnlyDictionary<int, decimal>> PricesAsync(IReadOnlyCollection<int> courseIds, CancellationToken ct)
    {
        if (courseIds.Count == 0) return new Dictionary<int, decimal>();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return (await connection.QueryAsync<(int CourseId, decimal Price)>(new CommandDefinition(
            "SELECT course_id, price FROM courses WHERE course_id = ANY (@ids)", new { ids = courseIds.ToArray() }, cancellationToken: ct)))
            .ToDictionary(r => r.CourseId, r => r.Price);
    }

    // Null when the course is gone or not the viewer's.
    public async Task<CurrentPrice?> FindAsync(Actor viewer, int courseId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition("""
            SELECT c.course_id, c.title, c.price FROM courses c WHERE c.course_id = @courseId AND (@isAdmin OR c.instructor_id = @viewer);
            SELECT p.log_id, p.changed_at, p.old_price, p.new_price, u.email AS changed_by, p.source, p.reason, p.campaign_id
            FROM price_changes p LEFT JOIN users u ON u.user_id = p.changed_by
            WHERE p.course_id = @courseId AND EXISTS (SELECT 1 FROM courses c WHERE c.course_id = @courseId AND (@isAdmin OR c.instructor_id = @viewer))
            ORDER BY p.changed_at DESC, p.log_id DESC
            LIMIT 1;
            """, new { courseId, isAdmin = viewer.IsAdmin, viewer = viewer.UserId }, cancellationToken: ct));
        var course = await results.ReadSingleOrDefaultAsync<(int CourseId, string Title, decimal Price)?>();
        var last = await results.ReadSingleOrDefaultAsync<PriceChange>();
        return course is { } c ? new CurrentPrice(c.CourseId, c.Title, c.Price, last) : null;
    }
}
