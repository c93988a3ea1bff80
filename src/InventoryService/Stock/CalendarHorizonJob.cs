using Microsoft.Extensions.Options;

namespace BookingSystem.InventoryService.Stock;

/// <summary>
/// Every <see cref="NightlyOptions.HorizonInterval"/> (and at start) adds the nights that came into the booking
/// horizon to every nightly item; errors are logged and retried on the next tick.
/// </summary>
public sealed class CalendarHorizonJob(
    IServiceScopeFactory scopes,
    TimeProvider time,
    IOptions<NightlyOptions> options,
    ILogger<CalendarHorizonJob> logger)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PeriodicJob.RunAsync(options.Value.HorizonInterval, time, runAtStart: true, async ct =>
        {
            await using var scope = scopes.CreateAsyncScope();
            var added = await scope.ServiceProvider.GetRequiredService<Calendar>().ExtendHorizonAsync(null, ct);
            if (added > 0)
            {
                Log.HorizonExtended(logger, added);
            }
        }, e => Log.HorizonFailed(logger, e), stoppingToken);
}
