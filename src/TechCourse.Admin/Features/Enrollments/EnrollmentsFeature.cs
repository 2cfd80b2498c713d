namespace TechCourse.Admin.Features.Enrollments;

public static class EnrollmentsFeature
{
    public static IServiceCollection AddEnrollmentsFeature(this IServiceCollection services) => services.AddSingleton<EnrollmentsQueries>();
}
