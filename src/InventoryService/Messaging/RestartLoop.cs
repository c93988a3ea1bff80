namespace BookingSystem.InventoryService.Messaging;

/// <summary>
/// Keeps a long-running broker job alive: runs it until the host stops, and after a failure waits an
/// exponentially growing, jittered delay (from <paramref name="firstDelay"/> up to 30 s) before running it again.
/// </summary>
public static class RestartLoop
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

    public static async Task RunAsync(
        Func<CancellationToken, Task> job, TimeSpan firstDelay, Action<Exception, TimeSpan> onFailure, CancellationToken stoppingToken)
    {
        for (var failures = 0; !stoppingToken.IsCancellationRequested;)
        {
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
                var delay = Delay(failures++, firstDelay);
                onFailure(e, delay);
                await Task.Delay(delay, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    /// <summary>firstDelay * 2^failures, capped at 30 s, with ±20 % jitter.</summary>
    public static TimeSpan Delay(int failures, TimeSpan firstDelay) =>
        TimeSpan.FromMilliseconds(Math.Min(MaxDelay.TotalMilliseconds, firstDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failures, 10)))
            * (0.8 + (Random.Shared.NextDouble() * 0.4)));
}
