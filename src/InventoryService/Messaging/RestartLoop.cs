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
                var delay = Backoff.Exponential(failures++, firstDelay, MaxDelay);
                onFailure(e, delay);
                await Task.Delay(delay, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }
}
