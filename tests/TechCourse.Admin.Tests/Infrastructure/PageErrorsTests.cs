using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Npgsql;
using TechCourse.Admin.Infrastructure.Reliability;
using TechCourse.Admin.Tests.Reliability;

namespace TechCourse.Admin.Tests.Infrastructure;

public sealed class PageErrorsTests
{
    [Fact]
    public void A_sql_bug_is_logged_as_an_error_under_the_reference_the_user_sees_and_is_not_called_an_outage()
    {
        var log = new CapturingLoggerProvider();
        using var loggers = LoggerFactory.Create(logging => logging.AddProvider(log));
        var bug = new PostgresException("relation \"no_such_table\" does not exist", "ERROR", "ERROR", PostgresErrorCodes.UndefinedTable);

        var error = PageErrors.Report(loggers.CreateLogger("page"), bug, "the figures cannot be shown");

        Assert.Matches("^[0-9a-f]{32}$", error.Reference);
        Assert.Equal($"Something unexpected went wrong, so the figures cannot be shown. If it keeps happening, quote the reference {error.Reference}.", error.Message);
        var entry = Assert.Single(log.Entries, e => e.Level == LogLevel.Error);
        Assert.Same(bug, entry.Exception);
        Assert.Contains(error.Reference!, entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_database_that_does_not_answer_is_an_outage_the_user_can_wait_out_without_an_error_in_the_log()
    {
        var log = new CapturingLoggerProvider();
        using var loggers = LoggerFactory.Create(logging => logging.AddProvider(log));

        var error = PageErrors.Report(loggers.CreateLogger("page"), new NpgsqlException("connection refused", new SocketException(111)), "the figures cannot be shown");

        Assert.Equal("The database did not answer, so the figures cannot be shown. Try again in a moment.", error.Message);
        Assert.Null(error.Reference);
        Assert.DoesNotContain(log.Entries, e => e.Level >= LogLevel.Error);
    }
}
