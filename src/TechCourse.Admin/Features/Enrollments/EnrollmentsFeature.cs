using TechCourse.Admin.Features.Users;

namespace TechCourse.Admin.Features.Enrollments;

public static class EnrollmentsFeature
{
    public static IServiceCollection AddUsersAndEnrollmentsFeatures(this IServiceCollection services) =>
        services.AddSingleton<UsersQueries>().AddSingleton<EnrollmentsQueries>();
}
