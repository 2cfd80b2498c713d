using Microsoft.Extensions.Configuration;
using Npgsql;

namespace TechCourse.Admin.Tests.Support;

// A freshly migrated database of its own: one per test class (as a class fixture) or one per test (CreateAsync).
public sealed class TestDatabase : IAsyncDisposable
{
    private TestDatabase(PostgresServer server, string name)
    {
        Server = server;
        Name = name;
        ConnectionString = server.ConnectionString(name);
        DataSource = NpgsqlDataSource.Create(ConnectionString);
    }

    public PostgresServer Server { get; }
    public string Name { get; }
    public string ConnectionString { get; }
    public NpgsqlDataSource DataSource { get; }

    // App configuration that points ConnectionStrings:TechCourse at this database.
    public IConfiguration Configuration => new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:TechCourse"] = ConnectionString })
        .Build();

    public static async Task<TestDatabase> CreateAsync(bool migrated = true)
    {
        var server = await PostgresServer.InstanceAsync();
        return new TestDatabase(server, await server.CreateDatabaseAsync(migrated));
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await Server.DropDatabaseAsync(Name);
    }
}

public sealed class DatabaseFixture : IAsyncLifetime
{
    private TestDatabase? database;

    public TestDatabase Database => database ?? throw new InvalidOperationException("Fixture not initialised.");
    public string ConnectionString => Database.ConnectionString;
    public NpgsqlDataSource DataSource => Database.DataSource;
    public IConfiguration Configuration => Database.Configuration;
    public PostgresServer Server => Database.Server;

    public async Task InitializeAsync() => database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        if (database is not null) await database.DisposeAsync();
    }
}
