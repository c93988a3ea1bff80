using BookingSystem.InventoryService.Observability;
using Microsoft.Extensions.Options;

namespace BookingSystem.InventoryService.Reservations;

/// <summary>
/// Every <see cref="ReservationOptions.SweepInterval"/> releases the holds past their deadline, a batch per
/// transaction until none is left, and forgets payment outcomes whose booking never came. Errors are logged and retried on the next tick; shutdown stops between batches.
/// </summary>
public sealed class ExpirySweeper(
    IServiceScopeFactory scopes,
    TimeProvider time,
    IOptions<ReservationOptions> options,
    InventoryMetrics metrics,
    ILogger<ExpirySweeper> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PeriodicJob.RunAsync(options.Value.SweepInterval, time, runAtStart: true, async ct =>
        {
            var expired = await SweepAsync(ct);
            if (expired > 0)
            {
                Log.Swept(logger, expired);
            }
        }, e => Log.SweepFailed(logger, e), stoppingToken);

    /// <summary>Expires every due hold, one batch per transaction; returns how many expired.</summary>
    /// <remarks>Payment outcomes that waited too long for their booking are forgotten in the same pass.</remarks>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var total = await InBatchesAsync((reservations, batch, ct) => reservations.ExpireDueAsync(batch, ct), cancellationToken);
        await InBatchesAsync((reservations, batch, ct) => reservations.ExpireWaitingPaymentsAsync(batch, ct), cancellationToken);
        metrics.Swept(total);
        return total;
    }

    private async Task<int> InBatchesAsync(Func<ReservationService, int, CancellationToken, Task<int>> batch, CancellationToken cancellationToken)
    {
        var total = 0;
        int done;
        do
        {
            await using var scope = scopes.CreateAsyncScope();
            done = await batch(scope.ServiceProvider.GetRequiredService<ReservationService>(), options.Value.SweepBatchSize, cancellationToken);
            total += done;
        }
        while (done == options.Value.SweepBatchSize && !cancellationToken.IsCancellationRequested);

        return total;
    }
}
