using System.Diagnostics;
using System.Runtime.InteropServices;

namespace BookingSystem.Cli.Bench;

/// <summary>
/// Sends an offered-rate phase's bookings from a thread of its own, each when it is due: the thread sleeps with
/// <c>clock_nanosleep</c> until the due time on the monotonic clock (the clock <see cref="Stopwatch"/> reads on
/// Linux), so it wakes within tens of microseconds of it, never before. <c>Task.Delay</c> rounds to whole
/// milliseconds and hops through the timer thread and the thread pool: at 100/s its sends went out 2.6 ms late at
/// p50 and 7.3 ms at p99, which the latency (counted from the due time, as it must be) charged to the service and
/// which the tap, seeing the booking only when it arrives, does not see (bench p99 18.2 vs tap 13.8 ms; with this
/// pacer 0.1 / 0.5 ms late, p99 15.9 vs 14.8 ms; medians of 3 runs). Only up to <see cref="MaximumRate"/>: at
/// 1,000/s a send per millisecond from this thread cost RabbitMQ 0.04-0.07 ms more CPU per booking than the timer's
/// bunches of two, and the machine 84-87 % busy instead of 77-80 %, with a worse p99 (3 runs each, cross-check
/// PASS in all); there the timer's 5 ms of lateness at p99 is small next to the latency.
/// </summary>
public static class Pacer
{
    private const int ClockMonotonic = 1;
    private const int TimerAbsoluteTime = 1;
    private const int Interrupted = 4; // EINTR

    /// <summary>Offered rates above this are paced by the timer instead (see the summary).</summary>
    public const double MaximumRate = 200;

    /// <summary>
    /// Whether this pacer is for <paramref name="rate"/>: up to <see cref="MaximumRate"/>, on Linux, on the real
    /// monotonic clock.
    /// </summary>
    public static bool Suits(double rate, TimeProvider time) =>
        rate <= MaximumRate && OperatingSystem.IsLinux() && time == TimeProvider.System
        && Stopwatch.Frequency == 1_000_000_000;

    /// <summary>Runs <paramref name="sendAll"/> on a new thread; completes when it returns or throws.</summary>
    public static Task RunAsync(Action sendAll)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var pacer = new Thread(() =>
        {
            try
            {
                sendAll();
                done.SetResult();
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        })
        {
            IsBackground = true,
            Name = "bench pacer",
        };
        pacer.Start();
        return done.Task;
    }

    /// <summary>
    /// Sleeps until the <see cref="Stopwatch"/> timestamp <paramref name="due"/> (nanoseconds of the monotonic clock).
    /// </summary>
    public static void SleepUntil(long due, CancellationToken ct)
    {
        var deadline = new Timespec { Seconds = due / 1_000_000_000, Nanoseconds = due % 1_000_000_000 };
        while (Stopwatch.GetTimestamp() < due)
        {
            ct.ThrowIfCancellationRequested();
            var error = ClockNanosleep(ClockMonotonic, TimerAbsoluteTime, ref deadline, IntPtr.Zero);
            if (error is not (0 or Interrupted))
            {
                throw new InvalidOperationException($"clock_nanosleep failed with error {error}.");
            }
        }
    }

    /// <returns>0, or the error number (it does not set errno).</returns>
    /// <remarks>DllImport, not LibraryImport: the generated stub needs unsafe code, which this project does not
    /// allow.</remarks>
    [DllImport("libc", EntryPoint = "clock_nanosleep")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int ClockNanosleep(int clock, int flags, ref Timespec request, IntPtr remain);

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
