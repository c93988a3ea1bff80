using System.Diagnostics;

namespace BookingSystem.InventoryService.Messaging;

/// <summary>
/// Keeps a long-running broker job alive: runs it until the host stops, and after a failure waits an
/// exponentially growing, jittered delay (from <paramref name="firstDelay"/> up to 30 s) before running it again.
/// A run that lasted <see cref="HealthyPeriod"/> counts as healthy: the delay after its failure starts from the
/// first again, so a few broker blips an hour apart do not leave a restart 30 s away.
/// </summary>
public static class RestartLoop
{
    public static readonly TimeSpan HealthyPeriod = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

    /// <summary>The failures to count for the next delay: reset to none after a healthy run.</summary>
    public static int FailuresAfter(int failuresBefore, TimeSpan runLasted) => runLasted >= HealthyPeriod ? 0 : failuresBefore;

    public static async Task RunAsync(
        Func<CancellationToken, Task> job, TimeSpan firstDelay, Action<Exception, TimeSpan> onFailure, CancellationToken stoppingToken)
    {
        for (var failures = 0; !stoppingToken.IsCancellationRequested;)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await job(stoppingToken);
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                failures = FailuresAfter(failures, Stopwatch.GetElapsedTime(started));
                var delay = Backoff.Exponential(failures++, firstDelay, MaxDelay);
                onFailure(e, delay);
                await Task.Delay(delay, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }
}
