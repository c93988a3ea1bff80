using System.Net;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;
using BookingSystem.InventoryService.Reservations;
using Microsoft.Extensions.DependencyInjection;

namespace BookingSystem.InventoryService.IntegrationTests.Reservations;

/// <summary>
/// A service whose sweeper ticks once a minute of the fake clock, in small batches: the tests move the clock
/// (FakeTimeProvider fires the sweeper's timer), so nothing depends on real time passing.
/// </summary>
public sealed class ClockDrivenSweepFactory : InventoryApiFactory
{
    public const int BatchSize = 3;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Reservations:SweepInterval", "00:01:00"),
        new("Reservations:SweepBatchSize", BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture)),
    ];
}

/// <summary>A service whose background sweeper only runs at start-up, so a test drives sweeps itself.</summary>
public sealed class ManualSweepFactory : InventoryApiFactory
{
    public const int BatchSize = 3;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Reservations:SweepInterval", "1.00:00:00"),
        new("Reservations:SweepBatchSize", BatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture)),
    ];
}

public sealed class ExpirySweeperBatchTests(ManualSweepFactory factory) : IClassFixture<ManualSweepFactory>
{
    [Fact]
    public async Task A_sweep_expires_every_due_hold_in_batches_and_returns_the_count()
    {
        var client = factory.CreateClient();
        var item = await factory.CreateItemAsync(total: 100);
        for (var i = 0; i < 8; i++)
        {
            using var response = await client.PostJsonAsync("/api/inventory/reserve", new { bookingId = $"batch-{i}-{item.ItemId}", itemId = item.ItemId, holdMinutes = 1 + (i % 2) });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        await using var scope = factory.Scope();
        var reservations = scope.ServiceProvider.GetRequiredService<ReservationService>();
        var sweeper = ActivatorUtilities.CreateInstance<ExpirySweeper>(scope.ServiceProvider);

        factory.Time.Advance(TimeSpan.FromMinutes(1));
        var firstBatch = await reservations.ExpireDueAsync(ManualSweepFactory.BatchSize, CancellationToken.None);
        var restOfFirstMinute = await sweeper.SweepAsync(CancellationToken.None);
        factory.Time.Advance(TimeSpan.FromMinutes(1));
        var secondMinute = await sweeper.SweepAsync(CancellationToken.None);
        var nothingLeft = await sweeper.SweepAsync(CancellationToken.None);

        Assert.Equal(ManualSweepFactory.BatchSize, firstBatch);
        Assert.Equal(1, restOfFirstMinute); // 4 holds of one minute: one batch of 3, then 1
        Assert.Equal(4, secondMinute);      // 4 holds of two minutes: 3 + 1 in two batches
        Assert.Equal(0, nothingLeft);
        Assert.Equal((0, 100, 0), await factory.CountersAsync(item.ItemId));
    }
}

public sealed class ExpirySweeperTests(ClockDrivenSweepFactory factory) : IClassFixture<ClockDrivenSweepFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task The_running_sweeper_expires_exactly_the_holds_past_their_deadline()
    {
        var item = await factory.CreateItemAsync(total: 100);
        var shortHolds = Enumerable.Range(0, 7).Select(i => $"short-{i}-{item.ItemId}").ToList();
        var longHolds = Enumerable.Range(0, 4).Select(i => $"long-{i}-{item.ItemId}").ToList();
        foreach (var bookingId in shortHolds)
        {
            await ReserveAsync(bookingId, item.ItemId, holdMinutes: 10);
        }

        foreach (var bookingId in longHolds)
        {
            await ReserveAsync(bookingId, item.ItemId, holdMinutes: 60);
        }

        var confirmedId = $"confirmed-{item.ItemId}";
        await ReserveAsync(confirmedId, item.ItemId, holdMinutes: 10);
        await using (var scope = factory.Scope())
        {
            await scope.ServiceProvider.GetRequiredService<ReservationService>().ConfirmAsync(TestTokens.AdminKey(confirmedId), CancellationToken.None);
        }

        factory.Time.Advance(TimeSpan.FromMinutes(10)); // exactly the short holds' deadline
        await WaitUntilAsync(async () => (await factory.CountersAsync(item.ItemId)).Reserved == 5);

        foreach (var bookingId in shortHolds)
        {
            var reservation = await GetAsync(bookingId);
            Assert.Equal(ReservationStatus.Expired, reservation.Status);
            Assert.Equal(ReleaseReason.Expired, reservation.ReleaseReason);
            Assert.Equal(factory.Time.GetUtcNow(), reservation.ReleasedAt);
        }

        foreach (var bookingId in longHolds)
        {
            Assert.Equal(ReservationStatus.Reserved, (await GetAsync(bookingId)).Status);
        }

        Assert.Equal(ReservationStatus.Confirmed, (await GetAsync(confirmedId)).Status);
        Assert.Equal((5, 100, 5), await factory.CountersAsync(item.ItemId));
    }

    [Fact]
    public async Task An_expired_hold_cannot_be_confirmed_or_released()
    {
        var item = await factory.CreateItemAsync(total: 3);
        var bookingId = $"expired-{item.ItemId}";
        await ReserveAsync(bookingId, item.ItemId, holdMinutes: 1);
        factory.Time.Advance(TimeSpan.FromMinutes(2));
        await WaitUntilAsync(async () => (await GetAsync(bookingId)).Status == ReservationStatus.Expired);
        await using var scope = factory.Scope();

        var confirm = await scope.ServiceProvider.GetRequiredService<ReservationService>().ConfirmAsync(TestTokens.AdminKey(bookingId), CancellationToken.None);
        using var release = await _client.PostJsonAsync("/api/inventory/release", new { bookingId });

        Assert.Equal(TransitionOutcome.Refused, confirm.Outcome);
        Assert.Equal(HttpStatusCode.Conflict, release.StatusCode);
        Assert.Equal("Expired", (await release.ReadJsonAsync()).GetProperty("status").GetString());
        Assert.Equal((0, 3, 0), await factory.CountersAsync(item.ItemId));
    }

    private async Task ReserveAsync(string bookingId, string itemId, int holdMinutes)
    {
        using var response = await _client.PostJsonAsync("/api/inventory/reserve", new { bookingId, itemId, quantity = 1, holdMinutes });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private async Task<ReservationResponse> GetAsync(string bookingId) =>
        await (await _client.GetAsync($"/api/inventory/reservations/{bookingId}")).ReadAsync<ReservationResponse>();

    private static Task WaitUntilAsync(Func<Task<bool>> condition) =>
        Eventually.HoldsAsync(condition, TimeSpan.FromSeconds(15), () => "the expected reservation state was not reached");
}
