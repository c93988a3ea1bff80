using BookingSystem.Contracts;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;
using BookingSystem.InventoryService.Reservations;
using Microsoft.Extensions.DependencyInjection;

namespace BookingSystem.InventoryService.IntegrationTests.Messaging;

/// <summary>Redelivered and republished events have one effect; payment outcomes may arrive before their booking.</summary>
public sealed class IdempotencyAndOrderingTests(MessagingEnvironment env) : IClassFixture<MessagingEnvironment>
{
    private EventProbe Probe => env.Probe;

    [Fact]
    public async Task The_same_BookingCreated_published_twice_reserves_once_and_is_announced_once()
    {
        var item = await env.Service.CreateItemAsync(total: 10, lowStockThreshold: 0);
        var bookingId = "bk-" + EventProbe.NewId();
        var eventId = EventProbe.NewId();

        await Probe.BookingCreatedAsync(bookingId, item.ItemId, quantity: 2, eventId: eventId);
        await Probe.BookingCreatedAsync(bookingId, item.ItemId, quantity: 2, eventId: eventId);
        await Probe.WaitForAsync(RoutingKeys.InventoryReserved, bookingId);
        await EventProbe.SettleAsync();

        Assert.Single(Probe.For(bookingId));
        Assert.Equal((2, 10, 2), await env.Service.CountersAsync(item.ItemId));
    }

    [Fact]
    public async Task A_second_BookingCreated_for_the_same_booking_with_a_new_event_id_changes_nothing()
    {
        var item = await env.Service.CreateItemAsync(total: 10, lowStockThreshold: 0);
        var bookingId = "bk-" + EventProbe.NewId();

        await Probe.BookingCreatedAsync(bookingId, item.ItemId, quantity: 2);
        await Probe.WaitForAsync(RoutingKeys.InventoryReserved, bookingId);
        await Probe.BookingCreatedAsync(bookingId, item.ItemId, quantity: 5);
        await EventProbe.SettleAsync();

        Assert.Single(Probe.For(bookingId));
        Assert.Equal((2, 10, 2), await env.Service.CountersAsync(item.ItemId));
    }

    [Fact]
    public async Task PaymentSucceeded_before_the_booking_is_remembered_and_the_booking_is_confirmed_on_arrival()
    {
        var item = await env.Service.CreateItemAsync(total: 10, lowStockThreshold: 0);
        var bookingId = "bk-" + EventProbe.NewId();

        await Probe.PaymentAsync(bookingId, succeeded: true);
        await env.WaitForPaymentRecordAsync(bookingId);
        await Probe.BookingCreatedAsync(bookingId, item.ItemId, quantity: 3);
        await Probe.WaitForAsync(RoutingKeys.InventoryConfirmed, bookingId);

        Assert.Equal([RoutingKeys.InventoryReserved, RoutingKeys.InventoryConfirmed], Probe.For(bookingId).Select(e => e.RoutingKey));
        Assert.Equal(ReservationStatus.Confirmed, (await FindAsync(bookingId))!.Status);
        Assert.Equal((3, 10, 3), await env.Service.CountersAsync(item.ItemId));
    }

    [Fact]
    public async Task PaymentFailed_before_the_booking_means_nothing_is_held_and_a_release_is_announced()
    {
        var item = await env.Service.CreateItemAsync(total: 10, lowStockThreshold: 0);
        var bookingId = "bk-" + EventProbe.NewId();

        await Probe.PaymentAsync(bookingId, succeeded: false);
        await env.WaitForPaymentRecordAsync(bookingId);
        await Probe.BookingCreatedAsync(bookingId, item.ItemId, quantity: 3);
        var released = await Probe.WaitForAsync(RoutingKeys.InventoryReleased, bookingId);
        await EventProbe.SettleAsync();

        Assert.Equal(ReleaseReasons.PaymentFailed, released.Data.GetProperty("reason").GetString());
        Assert.Single(Probe.For(bookingId));
        Assert.Equal(ReservationStatus.Released, (await FindAsync(bookingId))!.Status);
        Assert.Equal((0, 10, 0), await env.Service.CountersAsync(item.ItemId));
    }

    [Fact]
    public async Task PaymentSucceeded_after_expiry_takes_the_stock_again_when_it_is_there()
    {
        var item = await env.Service.CreateItemAsync(total: 5, lowStockThreshold: 0);
        var bookingId = "bk-" + EventProbe.NewId();
        await Probe.BookingCreatedAsync(bookingId, item.ItemId, quantity: 2, holdMinutes: 1);
        await Probe.WaitForAsync(RoutingKeys.InventoryReserved, bookingId);
        env.Time.Advance(TimeSpan.FromMinutes(1));
        await Probe.WaitForAsync(RoutingKeys.InventoryReleased, bookingId);

        await Probe.PaymentAsync(bookingId, succeeded: true);
        await Probe.WaitForAsync(RoutingKeys.InventoryConfirmed, bookingId);

        Assert.Equal(ReservationStatus.Confirmed, (await FindAsync(bookingId))!.Status);
        Assert.Equal((2, 5, 2), await env.Service.CountersAsync(item.ItemId));
    }

    [Fact]
    public async Task PaymentSucceeded_after_expiry_when_the_stock_is_gone_publishes_a_HoldExpired_failure_for_a_refund()
    {
        var item = await env.Service.CreateItemAsync(total: 2, lowStockThreshold: 0);
        var late = "bk-" + EventProbe.NewId();
        var other = "bk-" + EventProbe.NewId();
        await Probe.BookingCreatedAsync(late, item.ItemId, quantity: 2, holdMinutes: 1);
        await Probe.WaitForAsync(RoutingKeys.InventoryReserved, late);
        env.Time.Advance(TimeSpan.FromMinutes(1));
        await Probe.WaitForAsync(RoutingKeys.InventoryReleased, late);
        await Probe.BookingCreatedAsync(other, item.ItemId, quantity: 1, holdMinutes: 60);
        await Probe.WaitForAsync(RoutingKeys.InventoryReserved, other);

        await Probe.PaymentAsync(late, succeeded: true);
        var failed = await Probe.WaitForAsync(RoutingKeys.InventoryReservationFailed, late);

        Assert.Equal(ReservationFailureReasons.HoldExpired, failed.Data.GetProperty("reason").GetString());
        Assert.Equal(ReservationStatus.Expired, (await FindAsync(late))!.Status);
        Assert.Equal((1, 2, 1), await env.Service.CountersAsync(item.ItemId));
    }

    [Fact]
    public async Task A_failure_after_a_success_is_answered_with_the_confirmation_and_a_repeated_success_changes_nothing()
    {
        var item = await env.Service.CreateItemAsync(total: 5, lowStockThreshold: 0);
        var bookingId = "bk-" + EventProbe.NewId();
        await Probe.BookingCreatedAsync(bookingId, item.ItemId, quantity: 1);
        await Probe.WaitForAsync(RoutingKeys.InventoryReserved, bookingId);
        await Probe.PaymentAsync(bookingId, succeeded: true);
        await Probe.WaitForAsync(RoutingKeys.InventoryConfirmed, bookingId);

        await Probe.PaymentAsync(bookingId, succeeded: false);
        await Probe.PaymentAsync(bookingId, succeeded: true);
        await EventProbe.SettleAsync();

        Assert.Equal(
            [RoutingKeys.InventoryReserved, RoutingKeys.InventoryConfirmed, RoutingKeys.InventoryConfirmed],
            Probe.For(bookingId).Select(e => e.RoutingKey));
        Assert.Equal(ReservationStatus.Confirmed, (await FindAsync(bookingId))!.Status);
        Assert.Equal((1, 5, 1), await env.Service.CountersAsync(item.ItemId));
    }

    [Fact]
    public async Task BookingCreated_and_PaymentSucceeded_handled_at_the_same_instant_always_end_confirmed()
    {
        var item = await env.Service.CreateItemAsync(total: 1_000, lowStockThreshold: 0);
        var bookings = Enumerable.Range(0, 150).Select(i => $"race-{i}-{EventProbe.NewId()}").ToList();

        // Two queues, two consumers: the pairs race each other inside the service.
        await Task.WhenAll(bookings.Select(async bookingId =>
        {
            await Probe.BookingCreatedAsync(bookingId, item.ItemId);
            await Probe.PaymentAsync(bookingId, succeeded: true);
        }));

        await Eventually.HoldsAsync(() => bookings.All(b => Probe.For(b).Any(e => e.RoutingKey == RoutingKeys.InventoryConfirmed)),
            TimeSpan.FromSeconds(60), () => $"{bookings.Count(b => Probe.For(b).All(e => e.RoutingKey != RoutingKeys.InventoryConfirmed))} bookings not confirmed");
        Assert.Equal((150, 1_000, 150), await env.Service.CountersAsync(item.ItemId));
    }

    [Fact]
    public async Task PaymentSucceeded_after_a_cancellation_does_not_take_the_stock_again_and_asks_for_a_refund()
    {
        var item = await env.Service.CreateItemAsync(total: 5, lowStockThreshold: 0);
        var bookingId = "bk-" + EventProbe.NewId();
        await Probe.BookingCreatedAsync(bookingId, item.ItemId, quantity: 2);
        await Probe.WaitForAsync(RoutingKeys.InventoryReserved, bookingId);
        await using (var scope = env.Service.Scope())
        {
            await scope.ServiceProvider.GetRequiredService<ReservationService>().ReleaseAsync(bookingId, ReleaseReason.Cancelled, CancellationToken.None);
        }

        await Probe.PaymentAsync(bookingId, succeeded: true);
        var failed = await Probe.WaitForAsync(RoutingKeys.InventoryReservationFailed, bookingId);

        Assert.Equal(ReservationFailureReasons.Released, failed.Data.GetProperty("reason").GetString());
        Assert.Equal(ReservationStatus.Released, (await FindAsync(bookingId))!.Status);
        Assert.Equal((0, 5, 0), await env.Service.CountersAsync(item.ItemId));
    }

    private async Task<Reservation?> FindAsync(string bookingId)
    {
        await using var scope = env.Service.Scope();
        return await scope.ServiceProvider.GetRequiredService<ReservationService>().FindAsync(bookingId, CancellationToken.None);
    }

}
