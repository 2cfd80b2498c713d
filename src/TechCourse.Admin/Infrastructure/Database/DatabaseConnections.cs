namespace TechCourse.Admin.Infrastructure.Database;

// Runtime is what the app's pages use; Migrations is the schema owner's connection (the runtime one when not set).
public sealed record DatabaseConnections(string Runtime, string Migrations, bool Embedded)
{
    public static DatabaseConnections External(ConnectionStringsOptions options) => new(options.TechCourse,
        string.IsNullOrWhiteSpace(options.TechCourseMigrations) ? options.TechCourse : options.TechCourseMigrations, Embedded: false);
}
