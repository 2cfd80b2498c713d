using System.Globalization;

namespace TechCourse.Admin.Bench;

/// One process's (or thread's) line of /proc/…/stat: its name, its parent, and its CPU clock ticks (USER_HZ, 100 a
/// second): its own user + system time, and that of its children that exited and were waited for.
public sealed record ProcStat(int Id, string Name, int ParentId, long Ticks, long ChildTicks)
{
    public const double TicksPerSecond = 100.0;

    /// Every process now running.
    public static IEnumerable<ProcStat> Processes()
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
            if (int.TryParse(Path.GetFileName(dir), out _) && Read(dir) is { } stat)
                yield return stat;
    }

    /// The threads of one process.
    public static IEnumerable<ProcStat> Threads(int pid)
    {
        foreach (var dir in Directory.EnumerateDirectories($"/proc/{pid}/task"))
            if (Read(dir) is { } stat)
                yield return stat;
    }

    // Null when the process or thread ended while being read.
    private static ProcStat? Read(string dir)
    {
        try
        {
            var stat = File.ReadAllText(Path.Combine(dir, "stat"));
            var name = stat[(stat.IndexOf('(') + 1)..stat.LastIndexOf(')')];
            // fields[0] is state (stat field 3): ppid is field 4, utime 14, stime 15, cutime 16, cstime 17.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            long Field(int i) => long.Parse(fields[i], CultureInfo.InvariantCulture);
            return new ProcStat(int.Parse(Path.GetFileName(dir), CultureInfo.InvariantCulture), name, (int)Field(1), Field(11) + Field(12), Field(13) + Field(14));
        }
        catch (IOException)
        {
            return null;
        }
    }
}
