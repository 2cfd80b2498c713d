using Npgsql;
using TechCourse.Admin.Infrastructure.Database;

namespace TechCourse.Admin.Tests.Infrastructure;

public sealed class DatabaseErrorsTests
{
    private static PostgresException Postgres(string sqlState, string? constraint = null) =>
        new("boom", "ERROR", "ERROR", sqlState, constraintName: constraint);

    [Fact]
    public void A_known_constraint_maps_to_the_features_field_message()
    {
        var known = new Dictionary<string, FieldError> { ["courses_price_check"] = new("Price", "Price must be 0 or more.") };
        Assert.Equal(new FieldError("Price", "Price must be 0 or more."), DatabaseErrors.Describe(Postgres("23514", "courses_price_check"), known));
    }

    [Theory]
    [InlineData("25006", DatabaseErrors.ReadOnly)]
    [InlineData("57014", DatabaseErrors.TimedOut)]
    [InlineData("40001", DatabaseErrors.Conflict)]
    [InlineData("40P01", DatabaseErrors.Conflict)]
    [InlineData("42501", DatabaseErrors.NotAllowed)]
    [InlineData("57P01", DatabaseErrors.Unavailable)]
    [InlineData("08006", DatabaseErrors.Unavailable)]
    public void Generic_failures_get_a_message_that_says_what_to_do(string sqlState, string message) =>
        Assert.Equal(new FieldError(null, message), DatabaseErrors.Describe(Postgres(sqlState)));

    [Fact]
    public void A_failure_wrapped_in_another_exception_is_still_recognised() =>
        Assert.Equal(DatabaseErrors.ReadOnly, DatabaseErrors.Describe(new InvalidOperationException("outer", Postgres("25006")))?.Message);

    [Fact]
    public void An_unknown_failure_is_left_for_the_calm_error_with_a_correlation_id()
    {
        Assert.Null(DatabaseErrors.Describe(Postgres("XX000")));
        Assert.Null(DatabaseErrors.Describe(new InvalidOperationException("bug")));
    }
}
