namespace BookingSystem.InventoryService.IntegrationTests.Infrastructure;

/// <summary>
/// A clock the test moves by hand (Microsoft.Extensions.TimeProvider.Testing does not restore here).
/// Timers stay real, so a periodic sweeper still ticks; only "now" is controlled.
/// </summary>
public sealed class FakeTimeProvider(DateTimeOffset start) : TimeProvider
{
    private long _ticks = start.UtcTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _ticks), TimeSpan.Zero);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
