using BookingSystem.InventoryService.Observability;
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

        metrics.Swept(total);
        return total;
    }
}
