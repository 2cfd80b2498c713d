using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using TechCourse.Admin.Features.Enrollments;
using TechCourse.Admin.Features.Users;
using TechCourse.Admin.Infrastructure.Auth;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Features.Enrollments;

public sealed class EnrollmentFormTests
{
    private static async Task<(BunitContext Context, IRenderedComponent<EnrollmentForm> Form)> RenderAsync()
    {
        var context = MudTestContext.Create();
        // Validation stops the save before any query runs: the data source points nowhere on purpose.
        var nowhere = Npgsql.NpgsqlDataSource.Create("Host=127.0.0.1;Port=1;Username=nobody;Timeout=1");
        context.Services.AddSingleton(new UsersQueries(nowhere));
        context.Services.AddSingleton(new EnrollmentsQueries(nowhere));
        context.Services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        context.Services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        var form = context.Render<EnrollmentForm>(p => p.Add(f => f.Actor, new Actor(Guid.NewGuid(), "admin@example.com", StaffRoles.Admin)));
        await Task.CompletedTask;
        return (context, form);
    }

    [Fact]
    public async Task Saving_an_empty_form_asks_for_a_student_and_a_course()
    {
        var (context, form) = await RenderAsync();
        await using var _ = context;

        await form.FindAll("button").Single(b => b.TextContent.Contains("Save enrollment", StringComparison.Ordinal)).ClickAsync(new());

        Assert.Contains("Pick a student.", form.Markup, StringComparison.Ordinal);
        Assert.Contains("Pick a published course.", form.Markup, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-5")]
    [InlineData("10.999")]
    [InlineData("1,5")]
    public async Task An_override_with_a_malformed_or_negative_amount_and_no_reason_shows_both_messages(string amount)
    {
        var (context, form) = await RenderAsync();
        await using var _ = context;

        await form.Find("input[type=checkbox]").ChangeAsync(new() { Value = true });
        var inputs = form.FindAll("input").Where(i => i.GetAttribute("type") != "checkbox").ToList();
        await inputs[^2].InputAsync(new() { Value = amount });
        await form.FindAll("button").Single(b => b.TextContent.Contains("Save enrollment", StringComparison.Ordinal)).ClickAsync(new());

        Assert.Contains("Enter an amount of 0 or more, with at most 2 decimals", form.Markup, StringComparison.Ordinal);
        Assert.Contains("Say why the amount differs from the price.", form.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_well_formed_override_amount_is_accepted_and_only_the_reason_is_asked_for()
    {
        var (context, form) = await RenderAsync();
        await using var _ = context;

        await form.Find("input[type=checkbox]").ChangeAsync(new() { Value = true });
        await form.FindAll("input").Where(i => i.GetAttribute("type") != "checkbox").ToList()[^2].InputAsync(new() { Value = "12.50" });
        await form.FindAll("button").Single(b => b.TextContent.Contains("Save enrollment", StringComparison.Ordinal)).ClickAsync(new());

        Assert.DoesNotContain("Enter an amount of 0 or more", form.Markup, StringComparison.Ordinal);
        Assert.Contains("Say why the amount differs from the price.", form.Markup, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData(" 19.99 ", 19.99)]
    [InlineData("99999999.99", 99999999.99)]
    public void Amounts_with_at_most_two_decimals_from_zero_up_are_accepted(string text, double expected) =>
        Assert.Equal((decimal)expected, EnrollmentInput.ParseAmount(text));

    [Theory]
    [InlineData("")]
    [InlineData("1e3")]
    [InlineData("100000000")]
    [InlineData("0.001")]
    public void Other_amounts_are_refused(string text) => Assert.Null(EnrollmentInput.ParseAmount(text));
}
