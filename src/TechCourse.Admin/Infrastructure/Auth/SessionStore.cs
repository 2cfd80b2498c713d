using System.Buffers.Text;
using System.Security.Cryptography;
using Dapper;
using Npgsql;

namespace TechCourse.Admin.Infrastructure.Auth;

public sealed record LiveSession(Guid UserId, string Role);

// Server-side sessions (sql/0019). The app holds the token (in the encrypted auth cookie); the database stores only its
// sha256, in a table the runtime login cannot read, and answers through functions.
public sealed class SessionStore(NpgsqlDataSource dataSource)
{
    // 32 random bytes, base64url: what the cookie carries and a write sends as app.session.
    public static string NewToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    // The live session the token names, or null. touchAfter: move last_seen_at if it is older than that (null: do not).
    public async Task<LiveSession?> CheckAsync(string token, TimeSpan? touchAfter, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        try
        {
            return await CheckAsync(connection, token, touchAfter, ct);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ReadOnlySqlTransaction && touchAfter is not null)
        {
            // A read-only database (maintenance, failover) still answers whether the session is live; it is not touched.
            return await CheckAsync(connection, token, null, ct);
        }
    }

    private static Task<LiveSession?> CheckAsync(NpgsqlConnection connection, string token, TimeSpan? touchAfter, CancellationToken ct) =>
        connection.QuerySingleOrDefaultAsync<LiveSession>(new CommandDefinition(
            "SELECT user_id, role FROM session_check(@token, make_interval(secs => @touchAfter))", new { token, touchAfter = touchAfter?.TotalSeconds }, cancellationToken: ct));

    // Ends the token's session, or with everywhere every session of its user. Returns how many ended.
    public async Task<int> EndAsync(string token, bool everywhere, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT session_end(@token, @everywhere)", new { token, everywhere }, cancellationToken: ct));
    }

    // For tooling on the owner connection (load test, benchmark, tests): a session for a user without a password.
    public static async Task<string> OpenAsOwnerAsync(NpgsqlConnection owner, Guid userId, TimeSpan lifetime, CancellationToken ct)
    {
        var token = NewToken();
        await owner.ExecuteAsync(new CommandDefinition(
            "SELECT open_session_as_owner(@userId, @token, make_interval(secs => @lifetime))", new { userId, token, lifetime = lifetime.TotalSeconds }, cancellationToken: ct));
        return token;
    }
}
