using System.Globalization;
using Dapper;
using Npgsql;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Infrastructure.Database;

namespace TechCourse.Admin.Features.Courses;

public enum SaveOutcome { Saved, Unchanged, Conflict, NotFound, Invalid }

// What became of a save. On a conflict, CurrentPrice is what the database holds now and LastChange who put it there.
public sealed record SaveResult(SaveOutcome Outcome, decimal? CurrentPrice = null, PriceChange? LastChange = null, FieldError? Error = null, string? Version = null)
{
    public bool Succeeded => Outcome is SaveOutcome.Saved or SaveOutcome.Unchanged;
}

public sealed record DeleteResult(bool Deleted, string? Message = null);

// Writing courses. Every write runs as the signed-in actor (WriteAsActorAsync), so row-level security and the audit
// trigger see who acts; a price is only replaced if it is still the one the editor loaded (optimistic concurrency).
public sealed class CoursesStore(NpgsqlDataSource dataSource, PreparedWrites prepared)
{
    public CoursesStore(NpgsqlDataSource dataSource) : this(dataSource, PreparedWrites.AutoFor(dataSource)) { }

    public const string PriceField = "price";
    public const string TitleField = "title";
    public const string NotFoundMessage = "This course no longer exists, or it is not one of yours.";
    private static readonly CultureInfo Us = CultureInfo.GetCultureInfo("en-US");

    public static readonly IReadOnlyDictionary<string, FieldError> ConstraintMessages = new Dictionary<string, FieldError>
    {
        ["courses_price_check"] = new FieldError(PriceField, CourseRules.PriceRange),
        ["price_changes_reason_check"] = new FieldError("reason", $"The reason can have at most {CourseRules.MaxReasonLength} characters."),
        ["courses_instructor_id_fkey"] = new FieldError("instructor", "This instructor no longer exists."),
    };

    public async Task<SaveResult> UpdatePriceAsync(Actor actor, int courseId, decimal expected, decimal price, string? reason, CancellationToken ct)
    {
        if (CourseRules.PriceError(price) is { } invalid) return new SaveResult(SaveOutcome.Invalid, Error: new FieldError(PriceField, invalid));
        if (CourseRules.ReasonError(reason) is { } tooLong) return new SaveResult(SaveOutcome.Invalid, Error: new FieldError("reason", tooLong));
        return await WriteAsync(async connection =>
        {
            NpgsqlBatchCommand Update() => new("UPDATE courses SET price = $1 WHERE course_id = $2 AND price = $3 RETURNING true")
            {
                Parameters = { new NpgsqlParameter<decimal> { TypedValue = price }, new NpgsqlParameter<int> { TypedValue = courseId }, new NpgsqlParameter<decimal> { TypedValue = expected } },
            };
            bool updated;
            try
            {
                updated = await connection.WriteBatchAsActorAsync(actor, reason, Update(), await prepared.UseAsync(connection, ct), (reader, token) => reader.ReadAsync(token), ct);
            }
            catch (PostgresException e) when (prepared.GiveUpAfter(e))
            {
                updated = await connection.WriteBatchAsActorAsync(actor, reason, Update(), prepare: false, (reader, token) => reader.ReadAsync(token), ct);
            }
            if (updated) return new SaveResult(price == expected ? SaveOutcome.Unchanged : SaveOutcome.Saved, price);
            return await ConflictAsync(connection, actor, courseId, ct);
        }, ct);
    }

    public async Task<SaveResult> CreateAsync(Actor actor, CourseDraft draft, CancellationToken ct)
    {
        if (Validate(draft) is { } invalid) return invalid;
        return await WriteAsync(async connection =>
        {
            await using var grid = await connection.WriteAsActorAsync(actor, """
                INSERT INTO courses (instructor_id, title, price, is_published, quiz_metadata)
                VALUES (@instructorId, @title, @price, @isPublished, @metadata)
                RETURNING course_id
                """, Parameters(actor, draft), ct);
            var id = await grid.ReadSingleAsync<int>();
            return new SaveResult(SaveOutcome.Saved, draft.Price, Version: id.ToString(CultureInfo.InvariantCulture));
        }, ct);
    }

    // Saves the dialog's fields if the row is still the version the dialog loaded (xmin changes with every update).
    public async Task<SaveResult> UpdateAsync(Actor actor, int courseId, string version, CourseDraft draft, string? reason, CancellationToken ct)
    {
        if (Validate(draft) is { } invalid) return invalid;
        if (CourseRules.ReasonError(reason) is { } tooLong) return new SaveResult(SaveOutcome.Invalid, Error: new FieldError("reason", tooLong));
        return await WriteAsync(async connection =>
        {
            var parameters = Parameters(actor, draft);
            parameters.Add("courseId", courseId);
            parameters.Add("version", version);
            string? newVersion;
            await using (var grid = await connection.WriteAsActorAsync(actor, """
                UPDATE courses SET title = @title, price = @price, is_published = @isPublished, quiz_metadata = @metadata,
                                   instructor_id = CASE WHEN @isAdmin THEN @instructorId ELSE instructor_id END
                WHERE course_id = @courseId AND xmin::text = @version
                RETURNING xmin::text
                """, parameters, ct, reason))
                newVersion = (await grid.ReadAsync<string>()).SingleOrDefault();
            if (newVersion is not null) return new SaveResult(SaveOutcome.Saved, draft.Price, Version: newVersion);
            return await ConflictAsync(connection, actor, courseId, ct);
        }, ct);
    }

    public async Task<DeleteResult> DeleteAsync(Actor actor, int courseId, CancellationToken ct)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            await using var grid = await connection.WriteAsActorAsync(actor, "DELETE FROM courses WHERE course_id = @courseId RETURNING true", new { courseId }, ct);
            var deleted = (await grid.ReadAsync<bool>()).Any();
            return deleted ? new DeleteResult(true) : new DeleteResult(false, NotFoundMessage);
        }
        catch (PostgresException e) when (e is { SqlState: PostgresErrorCodes.ForeignKeyViolation, ConstraintName: "enrollments_course_id_fkey" })
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            var enrollments = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                "SELECT count(*) FROM enrollments WHERE course_id = @courseId", new { courseId }, cancellationToken: ct));
            return new DeleteResult(false, $"This course has {enrollments.ToString("N0", Us)} {(enrollments == 1 ? "enrollment" : "enrollments")} — unpublish it instead.");
        }
        catch (Exception e) when (DatabaseErrors.DescribeWrite(e, ConstraintMessages) is { } error)
        {
            return new DeleteResult(false, error.Message);
        }
    }

    private async Task<SaveResult> WriteAsync(Func<NpgsqlConnection, Task<SaveResult>> write, CancellationToken ct)
    {
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(ct);
            return await write(connection);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.NumericValueOutOfRange)
        {
            WriteFailures.Record(e);
            return new SaveResult(SaveOutcome.Invalid, Error: new FieldError(PriceField, CourseRules.PriceRange));
        }
        catch (Exception e) when (DatabaseErrors.DescribeWrite(e, ConstraintMessages) is { } error)
        {
            return new SaveResult(SaveOutcome.Invalid, Error: error);
        }
    }

    // Nothing was updated: either the course is gone / not the actor's, or someone changed it since it was loaded.
    // Read after the write's transaction ended, so it shows what is committed now.
    private static async Task<SaveResult> ConflictAsync(NpgsqlConnection connection, Actor actor, int courseId, CancellationToken ct)
    {
        var current = await connection.QuerySingleOrDefaultAsync<CurrentRow>(new CommandDefinition("""
            SELECT price, xmin::text AS version FROM courses WHERE course_id = @courseId AND (@isAdmin OR instructor_id = @userId)
            """, new { courseId, isAdmin = actor.IsAdmin, userId = actor.UserId }, cancellationToken: ct));
        if (current is not { } row) return new SaveResult(SaveOutcome.NotFound, Error: new FieldError(null, NotFoundMessage));
        var last = await connection.QuerySingleOrDefaultAsync<PriceChange>(new CommandDefinition("""
            SELECT p.log_id, p.changed_at, p.old_price, p.new_price, u.email AS changed_by, p.source, p.reason, p.campaign_id
            FROM price_changes p LEFT JOIN users u ON u.user_id = p.changed_by
            WHERE p.course_id = @courseId
            ORDER BY p.changed_at DESC, p.log_id DESC
            LIMIT 1
            """, new { courseId }, cancellationToken: ct));
        return new SaveResult(SaveOutcome.Conflict, row.Price, last, Version: row.Version);
    }

    private sealed record CurrentRow(decimal Price, string Version);

    private static DynamicParameters Parameters(Actor actor, CourseDraft draft)
    {
        var parameters = new DynamicParameters();
        parameters.Add("title", draft.Title.Trim());
        parameters.Add("price", draft.Price);
        parameters.Add("isPublished", draft.IsPublished);
        parameters.Add("isAdmin", actor.IsAdmin);
        parameters.Add("instructorId", actor.IsAdmin ? draft.InstructorId : actor.UserId);
        parameters.Add("metadata", draft.QuizMetadata is null ? null : new JsonbParameter(draft.QuizMetadata));
        return parameters;
    }

    private static SaveResult? Validate(CourseDraft draft)
    {
        if (CourseRules.TitleError(draft.Title) is { } title) return new SaveResult(SaveOutcome.Invalid, Error: new FieldError(TitleField, title));
        if (CourseRules.PriceError(draft.Price) is { } price) return new SaveResult(SaveOutcome.Invalid, Error: new FieldError(PriceField, price));
        if (QuizMetadata.Parse(draft.QuizMetadata).Error is { } metadata) return new SaveResult(SaveOutcome.Invalid, Error: new FieldError("quiz_metadata", metadata));
        return null;
    }
}
