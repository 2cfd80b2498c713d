using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using TechCourse.Admin.Features.Audit;
using TechCourse.Admin.Features.Home;
using TechCourse.Admin.Infrastructure.Database;
using TechCourse.Admin.Infrastructure.Auth;

namespace TechCourse.Admin.Tests.Features.Audit;

internal static class AuditTestData
{
    // The app's listener (with its sealer) on a data source, with a quick heartbeat.
    public static AuditListener Listener(NpgsqlDataSource dataSource, AuditLiveFeed feed, NpgsqlDataSource? listen = null, DatabaseStatus? status = null, HomeLive? home = null,
        double heartbeatSeconds = 1)
    {
        if (status is null)
        {
            status = new DatabaseStatus();
            status.ReportReady();
        }
        return new AuditListener(dataSource, new ListenDataSource(listen ?? dataSource), feed, home ?? new HomeLive(NullLogger<HomeLive>.Instance), new AuditChain(dataSource), status,
            Options.Create(new DatabaseOptions { ListenHeartbeatSeconds = heartbeatSeconds, ProbeIntervalSeconds = 1 }), NullLogger<AuditListener>.Instance);
    }

    public static async Task<(Guid Instructor, int Course)> InstructorWithCourseAsync(NpgsqlDataSource dataSource, decimal price = 50m)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        var instructor = await connection.ExecuteScalarAsync<Guid>("INSERT INTO users (email, role) VALUES (@email, 'Instructor') RETURNING user_id",
            new { email = $"ada-{Guid.NewGuid():N}@techcourse.com" });
        var course = await CourseAsync(dataSource, instructor, price);
        return (instructor, course);
    }

    public static async Task<int> CourseAsync(NpgsqlDataSource dataSource, Guid instructor, decimal price = 50m)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<int>("INSERT INTO courses (instructor_id, title, price) VALUES (@instructor, @title, @price) RETURNING course_id",
            new { instructor, title = $"Course {Guid.NewGuid():N}"[..15], price });
    }

    // A price change made the way the app makes it: as the runtime role, inside an actor transaction (through a live
    // session of that actor's user, opened here when the actor has none).
    public static async Task ChangePriceAsAsync(NpgsqlDataSource dataSource, Actor actor, int course, decimal price, string? reason = null)
    {
        if (actor.Session is null) actor = await Support.TestSessions.ActorAsync(dataSource, actor.UserId, actor.Email, actor.Role);
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginAsActorAsync(actor, CancellationToken.None);
        await connection.ExecuteAsync("SELECT set_config('app.change_reason', @reason, true)", new { reason = reason ?? "" }, transaction);
        await connection.ExecuteAsync("SET LOCAL ROLE techcourse_app", transaction: transaction);
        await connection.ExecuteAsync("UPDATE courses SET price = @price WHERE course_id = @course", new { price, course }, transaction);
        await transaction.CommitAsync();
    }

    public static async Task<int> LogAsync(NpgsqlDataSource dataSource, int course, decimal oldPrice, decimal newPrice, DateTimeOffset at)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<int>(
            "INSERT INTO price_changes (course_id, old_price, new_price, changed_at) VALUES (@course, @oldPrice, @newPrice, @at) RETURNING log_id",
            new { course, oldPrice, newPrice, at = at.ToUniversalTime() });
    }

    // A checkpoint file and key of their own (created only when first written), in a folder under the temp folder.
    public static AuditCheckpointOptions TemporaryCheckpoints(TimeSpan? interval = null)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"tc-audit-{Guid.NewGuid():N}"[..21]);
        return new AuditCheckpointOptions(Path.Combine(folder, "checkpoints.log"), Path.Combine(folder, "checkpoint.key"), interval ?? TimeSpan.FromMinutes(1));
    }
}
