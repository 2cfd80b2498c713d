using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Dapper;
using Npgsql;

namespace TechCourse.Admin.Bench;

public sealed record Machine(string Cpu, int Cores, long RamMiB, string Os, string Runtime, string PostgresVersion, IReadOnlyList<(string Name, string Setting)> Settings, string Database, string? Commit)
{
    private static readonly string[] SettingNames =
        ["shared_buffers", "effective_cache_size", "work_mem", "max_parallel_workers_per_gather", "random_page_cost", "jit", "fsync", "synchronous_commit", "full_page_writes", "max_connections"];

    public static async Task<Machine> DescribeAsync(string ownerConnectionString, bool throwaway, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync(ct);
        var version = await connection.ExecuteScalarAsync<string>(new CommandDefinition("SHOW server_version", cancellationToken: ct)) ?? "?";
        var settings = (await connection.QueryAsync<(string, string)>(new CommandDefinition("""
            SELECT name, setting || coalesce(' ' || unit, '') FROM pg_settings WHERE name = ANY(@names) ORDER BY array_position(@names, name)
            """, new { names = SettingNames }, cancellationToken: ct))).ToList();
        var builder = new NpgsqlConnectionStringBuilder(ownerConnectionString);
        var database = throwaway
            ? $"throwaway local cluster, database {builder.Database}, server environment {string.Join(" ", TechCourse.Admin.Infrastructure.Postgres.LocalPostgresCluster.ServerAllocatorEnvironment)}"
            : $"{builder.Host}:{builder.Port}/{builder.Database}";
        return new Machine(CpuModel(), Environment.ProcessorCount, TotalRamMiB(), RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription,
            version, settings, database, await CommitAsync());
    }

    private static string CpuModel() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?"
            : "?";

    private static long TotalRamMiB()
    {
        var line = File.Exists("/proc/meminfo") ? File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)) : null;
        return line is null ? 0 : long.Parse(line["MemTotal:".Length..].Replace("kB", "", StringComparison.Ordinal).Trim(), CultureInfo.InvariantCulture) / 1024;
    }

    private static async Task<string?> CommitAsync()
    {
        try
        {
            var info = new ProcessStartInfo("git", ["-C", AppHost.RepositoryRoot, "describe", "--always", "--dirty"]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var process = Process.Start(info)!;
            var output = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            return process.ExitCode == 0 ? output.Trim() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
