using Npgsql;
using TechCourse.Admin.Infrastructure.Auth;

namespace TechCourse.Admin.Tests.Support;

// An actor whose writes the database accepts: a live session opened on the owner connection (sql/0019's owner-only
// open_session_as_owner), as a sign-in would open it.
public static class TestSessions
{
    public static async Task<Actor> ActorAsync(NpgsqlDataSource owner, Guid userId, string email, string role)
    {
        await using var connection = await owner.OpenConnectionAsync();
        return new Actor(userId, email, role, await SessionStore.OpenAsOwnerAsync(connection, userId, TimeSpan.FromHours(2), CancellationToken.None));
    }
}
