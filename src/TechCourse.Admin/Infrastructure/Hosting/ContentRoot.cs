namespace TechCourse.Admin.Infrastructure.Hosting;

// The app reads the repository's top-level appsettings.json and serves its top-level wwwroot/: from source that is
// the folder above src/, once published it is the publish folder itself.
public static class ContentRoot
{
    public static string Locate()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
                if (File.Exists(Path.Combine(directory.FullName, "appsettings.json")) && Directory.Exists(Path.Combine(directory.FullName, "wwwroot")))
                    return directory.FullName;
        }
        throw new EnvironmentProblemException(
            $"Could not find the folder that holds appsettings.json and wwwroot/ above {AppContext.BaseDirectory}. Run the app from the repository or from a publish folder.");
    }
}
