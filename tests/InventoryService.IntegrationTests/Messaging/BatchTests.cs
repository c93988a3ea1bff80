using BookingSystem.Contracts;
using System.Net.Http.Json;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;

namespace BookingSystem.InventoryService.IntegrationTests.Messaging;

/// <summary>
/// An instance whose consumers wait long enough for a queue's backlog to form one batch: the tests queue their
/// messages while no instance runs, then start one, so everything they published is applied in one transaction.
/// One per test (each stops the first instance).
/// </summary>
public sealed class BatchEnvironment : MessagingEnvironment
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [.. base.Settings, new("RabbitMq:BatchSize", "100"), new("RabbitMq:BatchLinger", "00:00:00.500")];
}

/// <summary>
/// Batched consumption keeps every per-booking rule: failure isolation (one bad message cannot fail or redeliver its
/// neighbours), duplicates, payments that came first and the last units of a hot item, all in one batch.
/// </summary>
public sealed class BatchTests : IAsyncLifetime
{
    private readonly BatchEnvironment _env = new();

    private EventProbe Probe => _env.Probe;

    public Task InitializeAsync() => _env.InitializeAsync();

    public Task DisposeAsync() => _env.DisposeAsync();

    [Fact]
    public async Task One_message_that_fails_in_a_full_batch_reaches_the_DLQ_alone_and_its_neighbours_are_applied_once()
    {
        var item = await _env.Service.CreateItemAsync(total: 100, lowStockThreshold: 0);
        var poison = PoisonBookings.Prefix + EventProbe.NewId();
        // A booking that passes every check but that the database refuses: the batch's insert fails as a whole.
        await PoisonBookings.RefuseAsync(_env.Database);
        try
        {
            await _env.StopInstanceAsync(_env.Service);
            var good = Enumerable.Range(0, 40).Select(i => $"bk-{i}-{EventProbe.NewId()}").ToList();
            foreach (var bookingId in good.Take(20))
            {
                await Probe.BookingCreatedAsync(bookingId, item.ItemId);
            }

            var poisonEventId = await Probe.BookingCreatedAsync(poison, item.ItemId);
            foreach (var bookingId in good.Skip(20))
            {
                await Probe.BookingCreatedAsync(bookingId, item.ItemId);
            }

            var instance = await _env.StartInstanceAsync();
            foreach (var bookingId in good)
            {
                await Probe.WaitForAsync(RoutingKeys.InventoryReserved, bookingId);
            }

            // The poison is tried on its own until the queue's delivery limit (3 here) dead-letters it.
            IReadOnlyList<DeadLetter> letters = [];
            await Eventually.HoldsAsync(async () => (letters = await Probe.DeadLettersAsync(Topology.BookingCreatedQueue)).Count > 0,
                TimeSpan.FromSeconds(30), () => "the poison booking did not reach the DLQ");
            await EventProbe.SettleAsync();

            var letter = Assert.Single(letters);
            Assert.Equal(poisonEventId, letter.MessageId);
            Assert.Empty(Probe.For(poison));
            Assert.All(good, bookingId => Assert.Equal([RoutingKeys.InventoryReserved], Probe.Outcomes(bookingId)));
            Assert.Equal((good.Count, 100, good.Count), await instance.CountersAsync(item.ItemId));
            // Applied once each: no neighbour was redelivered and answered again.
            Assert.Equal(good.Count, good.Sum(b => Probe.For(b).Count));
        }
        finally
        {
            await PoisonBookings.AllowAsync(_env.Database);
        }
    }

    [Fact]
    public async Task A_batch_of_duplicates_payments_that_came_first_and_the_last_units_of_a_hot_item_decides_each_booking_as_alone()
    {
        var item = await _env.Service.CreateItemAsync(total: 5, lowStockThreshold: 0);
        var paid = "bk-paid-" + EventProbe.NewId();
        var failed = "bk-failed-" + EventProbe.NewId();
        await Probe.PaymentAsync(paid, succeeded: true);
        await Probe.PaymentAsync(failed, succeeded: false);
        await _env.WaitForPaymentRecordAsync(paid);
        await _env.WaitForPaymentRecordAsync(failed);
        await _env.StopInstanceAsync(_env.Service);

        var holders = Enumerable.Range(0, 4).Select(i => $"bk-hold-{i}-{EventProbe.NewId()}").ToList();
        var tooLate = "bk-late-" + EventProbe.NewId();
        var tooMany = "bk-many-" + EventProbe.NewId();
        await Probe.BookingCreatedAsync(paid, item.ItemId); // unit 1, confirmed at once
        await Probe.BookingCreatedAsync(failed, item.ItemId); // holds nothing
        var firstHolderEvent = EventProbe.NewId();
        await Probe.BookingCreatedAsync(holders[0], item.ItemId, eventId: firstHolderEvent);
        foreach (var holder in holders.Skip(1))
        {
            await Probe.BookingCreatedAsync(holder, item.ItemId); // units 2-5: the last ones
        }

        await Probe.BookingCreatedAsync(holders[0], item.ItemId, eventId: firstHolderEvent); // the same event again
        await Probe.BookingCreatedAsync(holders[1], item.ItemId, quantity: 3); // the same booking, a new event
        await Probe.BookingCreatedAsync(tooLate, item.ItemId);
        await Probe.BookingCreatedAsync(tooMany, item.ItemId, quantity: 2);

        var instance = await _env.StartInstanceAsync();
        await Probe.WaitForAsync(RoutingKeys.InventoryConfirmed, paid);
        await Probe.WaitForAsync(RoutingKeys.InventoryReleased, failed);
        await Probe.WaitForAsync(RoutingKeys.InventoryReservationFailed, tooLate);
        await Probe.WaitForAsync(RoutingKeys.InventoryReservationFailed, tooMany);
        await EventProbe.SettleAsync();

        Assert.Equal([RoutingKeys.InventoryReserved, RoutingKeys.InventoryConfirmed], Probe.Outcomes(paid));
        Assert.Equal([RoutingKeys.InventoryReleased], Probe.Outcomes(failed));
        Assert.All(holders, holder => Assert.Equal([RoutingKeys.InventoryReserved], Probe.Outcomes(holder)));
        Assert.Equal(1, Probe.For(holders[1]).Single().Data.GetProperty("items")[0].GetProperty("quantity").GetInt32());
        foreach (var refused in new[] { tooLate, tooMany })
        {
            var failure = Assert.Single(Probe.For(refused));
            Assert.Equal(ReservationFailureReasons.InsufficientStock, failure.Data.GetProperty("reason").GetString());
        }

        Assert.Equal((5, 5, 5), await instance.CountersAsync(item.ItemId));
    }

    [Fact]
    public async Task Each_message_of_a_batch_is_the_causation_of_its_own_events_and_an_HTTP_reserve_of_none()
    {
        var item = await _env.Service.CreateItemAsync(total: 6, lowStockThreshold: 1);
        await _env.StopInstanceAsync(_env.Service);
        var bookings = Enumerable.Range(0, 5).Select(i => $"bk-cause-{i}-{EventProbe.NewId()}").ToList();
        var eventIds = new List<string>();
        foreach (var bookingId in bookings)
        {
            eventIds.Add(await Probe.BookingCreatedAsync(bookingId, item.ItemId));
        }

        var instance = await _env.StartInstanceAsync();
        var reserved = new List<ReceivedEvent>();
        foreach (var bookingId in bookings)
        {
            reserved.Add(await Probe.WaitForAsync(RoutingKeys.InventoryReserved, bookingId));
        }

        // The fifth unit left 1 available: the low-stock alert it raised is caused by the fifth booking's event.
        ReceivedEvent? alert = null;
        await Eventually.HoldsAsync(() => Task.FromResult((alert = Probe.Received.FirstOrDefault(e => e.RoutingKey == RoutingKeys.LowStockAlert
                && e.Data.GetProperty("itemId").GetString() == item.ItemId)) is not null),
            TimeSpan.FromSeconds(15), () => "no LowStockAlert");
        using var http = await instance.CreateClient().PostJsonAsync("/api/inventory/reserve",
            new { bookingId = "bk-http-" + EventProbe.NewId(), itemId = item.ItemId });
        http.EnsureSuccessStatusCode();
        var byHttp = await Probe.WaitForAsync(RoutingKeys.InventoryReserved, TestTokens.AdminKey(
            (await http.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("bookingId").GetString()!));

        Assert.Equal(eventIds, reserved.Select(e => e.CausationId));
        Assert.Equal(eventIds[^1], alert!.CausationId);
        Assert.Null(byHttp.CausationId);
    }
}
