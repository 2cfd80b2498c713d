using Dapper;
using Microsoft.AspNetCore.Identity;
using Npgsql;

namespace TechCourse.Admin.Infrastructure.Auth;

// PBKDF2 parameters of an account's Identity V3 hash (or the decoy ones of an email without an account).
public sealed record HashParameters(int Prf, int Iterations, byte[] Salt, int SubkeyLength);

public sealed record SignInRow(string Outcome, Guid? UserId, string? Email, string? Role);

// Sign-in through sql/0019's functions: the runtime login never reads a hash or an attempt count.
public sealed class AccountStore(NpgsqlDataSource dataSource)
{
    public async Task<HashParameters> ParametersAsync(string email, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleAsync<HashParameters>(new CommandDefinition(
            "SELECT prf, iterations, salt, subkey_length FROM sign_in_parameters(@email)", new { email }, cancellationToken: ct));
    }

    public async Task<SignInRow> SignInAsync(string email, byte[] subkey, string? source, string token, AuthOptions options, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.QuerySingleAsync<SignInRow>(new CommandDefinition("""
            SELECT outcome, user_id, email, role
            FROM sign_in(@email, @subkey, @source, @token, make_interval(secs => @idle), make_interval(secs => @absolute))
            """, new { email, subkey, source, token, idle = options.IdleTimeout.TotalSeconds, absolute = options.AbsoluteTimeout.TotalSeconds },
            cancellationToken: ct));
    }

    // sql/0019's change_own_password: changed, invalid, locked or session_ended.
    public async Task<string> ChangeOwnPasswordAsync(string token, byte[] currentSubkey, string newHash, string newToken, string? source, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<string>(new CommandDefinition(
            "SELECT change_own_password(@token, @currentSubkey, @newHash, @newToken, @source)",
            new { token, currentSubkey, newHash, newToken, source }, cancellationToken: ct)) ?? "invalid";
    }
}

// Creates or resets staff accounts with the schema owner's connection (CLI and demo data; not reachable from pages).
public static class StaffAccounts
{
    private static readonly PasswordHasher<object> Hasher = new();

    public static string Hash(string password) => Hasher.HashPassword(null!, password);

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
            DELETE FROM sign_in_attempts WHERE user_id = @userId OR email_key = lower(@email);
            """, new { userId, email, hash = Hash(password) }, transaction, cancellationToken: ct));
        await transaction.CommitAsync(ct);
        return userId;
    }
}
