using System.Globalization;
using System.Runtime.InteropServices;

namespace BookingSystem.Cli.Bench;

/// <summary>Where a run was measured: enough to tell two runs' machines apart, and what durability the database had.</summary>
public sealed record MachineInfo(
    int Cores, string? Cpu, long? MemoryMb, string Os, string DotNet, string? PostgreSql, string? RabbitMq, string? Fsync, string? SynchronousCommit,
    string? FullPageWrites)
{
    public static MachineInfo Current(DatabaseSettings? database, string? rabbitMq) => new(
        Environment.ProcessorCount,
        FirstValue("/proc/cpuinfo", "model name", ':'),
        FirstValue("/proc/meminfo", "MemTotal", ':') is { } total && long.TryParse(total.Split(' ')[0], CultureInfo.InvariantCulture, out var kb) ? kb / 1024 : null,
        FirstValue("/etc/os-release", "PRETTY_NAME", '=')?.Trim('"') ?? RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        database?.ServerVersion,
        rabbitMq,
        database?.Fsync,
        database?.SynchronousCommit,
        database?.FullPageWrites);

    /// <summary>One line for the console and the docs.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Cores} cores{(Cpu is null ? "" : $" ({Cpu})")}, {(MemoryMb is { } mb ? $"{mb / 1024.0:0.#} GiB" : "? GiB")}, {Os}, {DotNet}, " +
        $"PostgreSQL {PostgreSql ?? "?"} (fsync={Fsync ?? "?"}, synchronous_commit={SynchronousCommit ?? "?"}, full_page_writes={FullPageWrites ?? "?"}), " +
        $"RabbitMQ {RabbitMq ?? "?"}");

    private static string? FirstValue(string path, string key, char separator)
    {
        try
        {
            return File.ReadLines(path)
                .Select(line => line.Split(separator, 2))
                .Where(parts => parts.Length == 2 && parts[0].Trim() == key)
                .Select(parts => parts[1].Trim())
                .FirstOrDefault();
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
