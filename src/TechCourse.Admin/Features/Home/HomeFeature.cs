namespace TechCourse.Admin.Features.Home;

public static class HomeFeature
{
    public static IServiceCollection AddHomeFeature(this IServiceCollection services) =>
        services.AddSingleton<HomeQueries>().AddSingleton<HomeLive>();
}
