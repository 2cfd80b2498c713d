namespace TechCourse.Admin.Infrastructure.DemoData;

public static class DemoDataDefaults
{
    public const int Seed = 20_260_101;

    public static DemoDataGenerator Generator(DateTimeOffset until, DataScale? scale = null, int seed = Seed) =>
        new(scale ?? DataScale.Demo, seed, until);
}
