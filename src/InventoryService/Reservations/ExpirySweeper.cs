using Microsoft.Extensions.Options;

namespace BookingSystem.InventoryService.Reservations;

/// <summary>
/// Every <see cref="ReservationOptions.SweepInterval"/> releases the holds past their deadline, a batch per
/// transaction until none is left. Errors are logged and retried on the next tick; shutdown stops between batches.
/// </summary>
public sealed class ExpirySweeper(
    IServiceScopeFactory scopes,
    TimeProvider time,
    IOptions<ReservationOptions> options,
    ILogger<ExpirySweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        do
        {
            try
            {
                var expired = await SweepAsync(stoppingToken);
                if (expired > 0)
                {
                    Log.Swept(logger, expired);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                Log.SweepFailed(logger, e);
            }
        }
        while (await WaitForNextTickAsync(timer, stoppingToken));
    }

    /// <summary>Expires every due hold, one batch per transaction; returns how many expired.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        int expired;
        do
        {
            await using var scope = scopes.CreateAsyncScope();
            var reservations = scope.ServiceProvider.GetRequiredService<ReservationService>();
            expired = await reservations.ExpireDueAsync(options.Value.SweepBatchSize, cancellationToken);
            total += expired;
        }
        while (expired == options.Value.SweepBatchSize && !cancellationToken.IsCancellationRequested);

        return total;
    }

    private static async Task<bool> WaitForNextTickAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
