using Npgsql;

namespace TechCourse.Admin.Tests.Support;

// The owner's connection to the embedded cluster of an app started by a test (read from its data folder).
public static class EmbeddedAppDatabase
{
    public static string OwnerConnectionString(string dataDirectory)
    {
        var port = File.ReadAllLines(Path.Combine(dataDirectory, "pgdata", "postmaster.pid"))[3].Trim();
        var password = File.ReadAllText(Path.Combine(dataDirectory, "superuser.password")).Trim();
        return new NpgsqlConnectionStringBuilder($"Host=127.0.0.1;Port={port};Username=postgres;Database=techcourse;Pooling=false") { Password = password }.ConnectionString;
    }
}
