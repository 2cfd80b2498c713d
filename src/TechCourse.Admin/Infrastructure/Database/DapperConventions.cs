using System.Runtime.CompilerServices;

namespace TechCourse.Admin.Infrastructure.Database;

internal static class DapperConventions
{
    // snake_case columns map to PascalCase record parameters everywhere the assembly is used (app, CLI, tests).
    [ModuleInitializer]
    internal static void Apply()
    {
        Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true;
        Dapper.SqlMapper.AddTypeHandler(new DateTimeOffsetHandler());
    }
}
