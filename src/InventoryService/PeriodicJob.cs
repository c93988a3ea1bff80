namespace BookingSystem.InventoryService;

/// <summary>
/// Runs a background job on a <see cref="PeriodicTimer"/> driven by the injected <see cref="TimeProvider"/>. A failed
/// run is reported and the next tick tries again; shutdown ends the loop quietly.
/// </summary>
public static class PeriodicJob
{
    public static async Task RunAsync(
        TimeSpan interval, TimeProvider time, bool runAtStart, Func<CancellationToken, Task> run, Action<Exception> onFailure,
        CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            if (!runAtStart && !await timer.WaitForNextTickAsync(stoppingToken))
            {
                return;
            }

            do
            {
                try
                {
                    await run(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    onFailure(e);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // shutting down
        }
    }
}
