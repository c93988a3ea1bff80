using System.Diagnostics;
using System.Globalization;

namespace BookingSystem.Cli.Bench;

/// <summary>CPU time in milliseconds per part of the machine at one moment (cumulative counters from /proc).</summary>
public sealed record CpuSnapshot(long Timestamp, double MachineBusyMs, IReadOnlyDictionary<string, double> ByPart);

/// <summary>
/// Where the CPU of one measured phase went: per part (the service, the bench itself, the tap, RabbitMQ,
/// PostgreSQL, everything else) its CPU time over the phase, as a share of one core and per booking.
/// </summary>
/// <param name="Seconds">Wall time between the two readings.</param>
/// <param name="MachineBusyMs">Busy CPU time of all cores (user, system, interrupts, steal) over the phase.</param>
public sealed record CpuUsage(
    double Seconds, int Cores, double MachineBusyMs, IReadOnlyDictionary<string, double> ByPartMs, int Bookings)
{
    /// <summary>Busy share of the whole machine, 0 to 1.</summary>
    public double MachineBusy => Seconds > 0 ? MachineBusyMs / (Seconds * 1000 * Cores) : 0;

    /// <summary>What no named part accounts for: other people's builds and tests, the kernel's own threads.</summary>
    public double OtherMs => Math.Max(0, MachineBusyMs - ByPartMs.Values.Sum());

    /// <summary>The part's CPU as a share of one core (1 = a whole core for the whole phase).</summary>
    public double? CoreShare(string part) =>
        Seconds > 0 && ByPartMs.TryGetValue(part, out var ms) ? ms / (Seconds * 1000) : null;

    public double? MsPerBooking(string part) =>
        Bookings > 0 && ByPartMs.TryGetValue(part, out var ms) ? ms / Bookings : null;

    public static CpuUsage Between(CpuSnapshot start, CpuSnapshot end, int cores, int bookings) => new(
        (end.Timestamp - start.Timestamp) / (double)Stopwatch.Frequency,
        cores,
        Math.Max(0, end.MachineBusyMs - start.MachineBusyMs),
        end.ByPart.ToDictionary(p => p.Key, p => Math.Max(0, p.Value - start.ByPart.GetValueOrDefault(p.Key)),
            StringComparer.Ordinal),
        bookings);

    /// <summary>One line: the machine, then each part as a share of a core and per booking.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Seconds:0.0} s, machine {MachineBusy:P0} busy of {Cores} cores: ") + string.Join(", ",
            ByPartMs.Select(p => string.Create(CultureInfo.InvariantCulture,
                $"{p.Key} {CoreShare(p.Key):P0} ({MsPerBooking(p.Key):0.000} ms/booking)"))
            .Append(string.Create(CultureInfo.InvariantCulture,
                $"other {(Seconds > 0 ? OtherMs / (Seconds * 1000) : 0):P0}")));
}

/// <summary>
/// Reads CPU time from /proc: the machine's busy time (<c>/proc/stat</c>) and, per named part, the user plus system
/// time of its processes (<c>/proc/PID/stat</c>). The bench, the service and the tap are known by pid; RabbitMQ and
/// PostgreSQL by process name (every backend is a process of its own). Linux only; elsewhere the readings are empty.
/// </summary>
public sealed class CpuMeter(Func<int?> servicePid, Func<int?> tapPid)
{
    public const string Service = "service";
    public const string Bench = "bench";
    public const string Tap = "tap";
    public const string RabbitMq = "RabbitMQ";
    public const string PostgreSql = "PostgreSQL";

    /// <summary>
    /// USER_HZ: the unit of the /proc tick counters, 100 on every Linux the bench runs on (part of the ABI).
    /// </summary>
    private const double MsPerTick = 10;

    public static int Cores => Environment.ProcessorCount;

    public CpuSnapshot Read()
    {
        var parts = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            [Bench] = ProcessMs(Environment.ProcessId) ?? 0,
        };
        if (servicePid() is { } service)
        {
            parts[Service] = ProcessMs(service) ?? 0;
        }

        if (tapPid() is { } tap)
        {
            parts[Tap] = ProcessMs(tap) ?? 0;
        }

        parts[RabbitMq] = 0;
        parts[PostgreSql] = 0;
        foreach (var (pid, name) in NamedProcesses())
        {
            var part = name switch
            {
                "beam.smp" or "erl_child_setup" or "inet_gethost" => RabbitMq,
                "postgres" => PostgreSql,
                _ => null,
            };
            if (part is not null)
            {
                parts[part] += ProcessMs(pid) ?? 0;
            }
        }

        return new CpuSnapshot(Stopwatch.GetTimestamp(), MachineBusyMs(), parts);
    }

    /// <summary>
    /// User plus system time of a process in milliseconds, or null if it is gone (or this is not Linux).
    /// </summary>
    public static double? ProcessMs(int pid)
    {
        try
        {
            return ParseProcessTicks(File.ReadAllText($"/proc/{pid}/stat")) * MsPerTick;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// utime + stime (fields 14 and 15) of a <c>/proc/PID/stat</c> line; the name in parentheses may hold spaces.
    /// </summary>
    public static long? ParseProcessTicks(string stat)
    {
        var fields = stat[(stat.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // After the name: state is field 3, so utime (14) and stime (15) are at 11 and 12 here.
        return fields.Length > 12
            && long.TryParse(fields[11], CultureInfo.InvariantCulture, out var user)
            && long.TryParse(fields[12], CultureInfo.InvariantCulture, out var system)
                ? user + system
                : null;
    }

    /// <summary>
    /// Busy time of all cores in milliseconds: everything in the <c>cpu</c> line of /proc/stat but idle and iowait.
    /// </summary>
    public static double MachineBusyMs()
    {
        try
        {
            return ParseMachineBusyTicks(File.ReadLines("/proc/stat").First()) * MsPerTick;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    public static long ParseMachineBusyTicks(string cpuLine)
    {
        // cpu user nice system idle iowait irq softirq steal guest guest_nice (guest time is inside user already).
        var ticks = cpuLine.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
            .Select(t => long.Parse(t, CultureInfo.InvariantCulture)).ToArray();
        return ticks.Sum() - ticks[3] - ticks[4];
    }

    private static IEnumerable<(int Pid, string Name)> NamedProcesses()
    {
        IEnumerable<string> directories;
        try
        {
            directories = Directory.EnumerateDirectories("/proc").ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            yield break;
        }

        foreach (var directory in directories)
        {
            if (!int.TryParse(Path.GetFileName(directory), CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            string name;
            try
            {
                name = File.ReadAllText(Path.Combine(directory, "comm")).TrimEnd('\n');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue; // exited meanwhile
            }

            yield return (pid, name);
        }
    }
}
