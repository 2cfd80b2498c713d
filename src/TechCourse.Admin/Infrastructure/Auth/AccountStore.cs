using Dapper;
using Microsoft.AspNetCore.Identity;
using Npgsql;

namespace TechCourse.Admin.Infrastructure.Auth;

public sealed record StaffCredentials(Guid UserId, string Email, string Role, string? PasswordHash);

public sealed class AccountStore(NpgsqlDataSource dataSource)
{
    public async Task<StaffCredentials?> FindAsync(string email, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<StaffCredentials>(new CommandDefinition("""
            SELECT u.user_id, u.email, u.role, c.password_hash
            FROM users u LEFT JOIN user_credentials c ON c.user_id = u.user_id
            WHERE lower(u.email) = lower(@email)
            ORDER BY u.email = @email DESC
            LIMIT 1
            """, new { email }, cancellationToken: ct));
    }

    public async Task<int> RecentFailuresAsync(Guid userId, TimeSpan window, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT recent_sign_in_failures(@userId, @window)", new { userId, window }, cancellationToken: ct));
    }

    public async Task RecordAttemptAsync(Guid userId, bool succeeded, string? remoteAddress, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "SELECT record_sign_in_attempt(@userId, @succeeded, @remoteAddress)", new { userId, succeeded, remoteAddress }, cancellationToken: ct));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ReadOnlySqlTransaction)
        {
            // A read-only database (maintenance, failover) must not lock staff out of reading: the attempt goes
            // unrecorded, and the per-account and per-IP rate limits still hold.
        }
    }
}

// Creates or resets staff accounts with the schema owner's connection (CLI and demo data; not reachable from pages).
public static class StaffAccounts
{
    private static readonly PasswordHasher<StaffCredentials> Hasher = new();

    public static string Hash(string password) => Hasher.HashPassword(null!, password);

    public static bool Verify(string hash, string password) =>
        Hasher.VerifyHashedPassword(null!, hash, password) is PasswordVerificationResult.Success or PasswordVerificationResult.SuccessRehashNeeded;

    public static async Task<Guid> CreateOrResetAsync(NpgsqlConnection ownerConnection, string email, string role, string password, CancellationToken ct)
    {
        if (PasswordPolicy.Problem(password) is { } problem) throw new ArgumentException(problem);
        if (!StaffRoles.StaffOnly.Contains(role)) throw new ArgumentException($"'{role}' is not a staff role ({string.Join(", ", StaffRoles.StaffOnly)}).");
        email = email.Trim();
        await using var transaction = await ownerConnection.BeginTransactionAsync(ct);
        var userId = await ownerConnection.ExecuteScalarAsync<Guid?>(new CommandDefinition(
            "UPDATE users SET role = @role WHERE lower(email) = lower(@email) RETURNING user_id", new { email, role }, transaction, cancellationToken: ct))
            ?? await ownerConnection.ExecuteScalarAsync<Guid>(new CommandDefinition(
                "INSERT INTO users (email, role) VALUES (@email, @role) RETURNING user_id", new { email, role }, transaction, cancellationToken: ct));
        await ownerConnection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO user_credentials (user_id, password_hash) VALUES (@userId, @hash)
            ON CONFLICT (user_id) DO UPDATE SET password_hash = EXCLUDED.password_hash, updated_at = NOW();
            DELETE FROM sign_in_attempts WHERE user_id = @userId;
            """, new { userId, hash = Hash(password) }, transaction, cancellationToken: ct));
        await transaction.CommitAsync(ct);
        return userId;
    }
}
