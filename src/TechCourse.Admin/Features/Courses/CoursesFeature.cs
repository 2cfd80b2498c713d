namespace TechCourse.Admin.Features.Courses;

public static class CoursesFeature
{
    public static IServiceCollection AddCoursesFeature(this IServiceCollection services) =>
        services.AddSingleton<CoursesQueries>().AddSingleton<CoursesStore>().AddSingleton<PriceNow>();
}
