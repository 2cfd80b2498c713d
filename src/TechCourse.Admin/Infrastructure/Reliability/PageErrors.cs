using TechCourse.Admin.Infrastructure.Database;

namespace TechCourse.Admin.Infrastructure.Reliability;

public sealed record PageError(string Message, string? Reference);

// The one way a page turns an exception into a log entry and a message. A database that cannot be reached is an
// outage the user can wait out; a failure DatabaseErrors can name (time-out, read-only, conflict, a constraint) is
// told as such; anything else — a bug, such as SQL the server rejects — is logged as an error under the reference the
// user sees: the trace id of the request or circuit event.
public static class PageErrors
{
    // consequence ends the sentence "…, so {consequence}": e.g. "the figures cannot be shown", "the price was not saved".
    // constraints: the feature's messages for its own constraints (DatabaseErrors).
    public static string Describe(ILogger logger, Exception exception, string consequence, IReadOnlyDictionary<string, FieldError>? constraints = null) =>
        Report(logger, exception, consequence, constraints).Message;

    public static PageError Report(ILogger logger, Exception exception, string consequence, IReadOnlyDictionary<string, FieldError>? constraints = null)
    {
        if (DatabaseErrors.Describe(exception, constraints) is { } known)
        {
            if (known.Message != DatabaseErrors.Unavailable)
            {
                logger.LogInformation("{Consequence}: {Problem}", consequence, exception.Message);
                return new PageError(known.Message, null);
            }
            logger.LogWarning("The database did not answer, so {Consequence}: {Problem}", consequence, exception.Message);
            return new PageError($"The database did not answer, so {consequence}. Try again in a moment.", null);
        }
        var reference = CorrelationId.New();
        using (logger.BeginScope(new Dictionary<string, object> { ["CorrelationId"] = reference }))
            logger.LogError(exception, "Unexpected error {CorrelationId}, so {Consequence}", reference, consequence);
        return new PageError($"Something unexpected went wrong, so {consequence}. If it keeps happening, quote the reference {reference}.", reference);
    }
}
