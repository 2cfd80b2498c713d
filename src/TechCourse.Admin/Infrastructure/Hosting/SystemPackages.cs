namespace TechCourse.Admin.Infrastructure.Hosting;

/// Installs a missing Debian package when we are root; otherwise explains exactly what to install.
public static class SystemPackages
{
    private static readonly SemaphoreSlim AptLock = new(1, 1);

    public static async Task EnsureInstalledAsync(string package, Func<bool> isPresent, string purpose, CancellationToken ct = default)
    {
        if (isPresent()) return;
        if (!ProcessRunner.IsRoot || !File.Exists("/usr/bin/apt-get"))
            throw new EnvironmentProblemException(
                $"{purpose} needs the Debian package '{package}', which is not installed. Install it with: sudo apt-get install -y {package}");

        await AptLock.WaitAsync(ct);
        try
        {
            if (isPresent()) return;
            Console.Error.WriteLine($"Installing '{package}' with apt-get ({purpose})…");
            var environment = new Dictionary<string, string> { ["DEBIAN_FRONTEND"] = "noninteractive" };
            await ProcessRunner.RunAsync("apt-get", ["update", "-qq"], environment: environment, ct: ct);
            var install = await ProcessRunner.RunAsync("apt-get", ["install", "-y", "-qq", package], environment: environment, ct: ct);
            if (install.ExitCode != 0 || !isPresent())
                throw new EnvironmentProblemException(
                    $"Installing '{package}' with apt-get failed ({purpose}). Install it by hand: apt-get install -y {package}{Environment.NewLine}{install.CombinedOutput}");
        }
        finally
        {
            AptLock.Release();
        }
    }
}
