using Bunit;
using Dapper;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging.Abstractions;
using TechCourse.Admin.Features.Account;
using TechCourse.Admin.Infrastructure.Database;
using TechCourse.Admin.Tests.Support;

namespace TechCourse.Admin.Tests.Features.Account;

public sealed class DemoAccountTests
{
    [Theory]
    [InlineData("Development", true)]
    [InlineData("Production", false)]
    public async Task Demo_accounts_are_shown_on_the_sign_in_page_only_in_development(string environment, bool shown)
    {
        await using var context = MudTestContext.Create();
        context.Services.AddSingleton<IWebHostEnvironment>(new Environment(environment));

        var page = context.Render<SignInPage>();

        Assert.Equal(shown, page.Markup.Contains("admin-demo-password", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(true, 3L)]
    [InlineData(false, 0L)]
    public async Task Demo_data_creates_sign_ins_only_when_asked_to_in_development(bool withDemoAccounts, long expectedCredentials)
    {
        await using var database = await TestDatabase.CreateAsync();
        await DemoDataStartup.LoadIfEmptyAsync(database.ConnectionString, withDemoAccounts, NullLogger.Instance, CancellationToken.None);

        await using var connection = await database.DataSource.OpenConnectionAsync();
        Assert.Equal(expectedCredentials, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM user_credentials"));
        Assert.True(await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM users") > 1000);
    }

    private sealed class Environment(string name) : IWebHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;
        public string ApplicationName { get; set; } = "TechCourse.Admin";
        public string WebRootPath { get; set; } = "";
        public IFileProvider WebRootFileProvider { get; set; } = new NullFileProvider();
        public string ContentRootPath { get; set; } = "";
        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
