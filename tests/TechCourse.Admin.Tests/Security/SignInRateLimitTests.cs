using Microsoft.Extensions.Options;
using TechCourse.Admin.Infrastructure.Security;

namespace TechCourse.Admin.Tests.Security;

public sealed class SignInRateLimitTests
{
    [Fact]
    public void Attempts_on_an_account_from_one_address_do_not_use_up_the_owners_attempts_from_another()
    {
        using var limits = new SignInRateLimits(Options.Create(new RateLimitingOptions { SignInPerAccountPerMinute = 3 }));

        var attacker = Enumerable.Range(0, 4).Select(attempt => limits.TryAcquire("Admin@TechCourse.com ", "127.0.113.5", out _)).ToList();
        var owner = limits.TryAcquire("admin@techcourse.com", "127.0.2.44", out _);

        Assert.Equal([true, true, true, false], attacker);
        Assert.True(owner);
    }
}
