using BookingSystem.Contracts;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;

namespace BookingSystem.InventoryService.IntegrationTests.Messaging;

/// <summary>Outcomes the payment and booking sides can act on, where the service used to stay silent.</summary>
public sealed class PaymentEdgeCaseTests(MessagingEnvironment env) : IClassFixture<MessagingEnvironment>
{
    private EventProbe Probe => env.Probe;

    [Fact]
    public async Task A_successful_retry_after_PaymentFailed_takes_the_stock_again_and_confirms()
    {
        var item = await env.Service.CreateItemAsync(total: 5, lowStockThreshold: 0);
        var bookingId = "retry-" + EventProbe.NewId();
        await Probe.BookingCreatedAsync(bookingId, item.ItemId, quantity: 2);
        await Probe.WaitForAsync(RoutingKeys.InventoryReserved, bookingId);
        await Probe.PaymentAsync(bookingId, succeeded: false);
        await Probe.WaitForAsync(RoutingKeys.InventoryReleased, bookingId);

        await Probe.PaymentAsync(bookingId, succeeded: true);

        await Probe.WaitForAsync(RoutingKeys.InventoryConfirmed, bookingId);
        Assert.Equal((2, 5, 2), await env.Service.CountersAsync(item.ItemId));
    }

    [Fact]
    public async Task A_successful_retry_after_PaymentFailed_when_the_stock_is_gone_asks_for_a_refund()
    {
        var item = await env.Service.CreateItemAsync(total: 2, lowStockThreshold: 0);
        var bookingId = "retry-gone-" + EventProbe.NewId();
        await Probe.BookingCreatedAsync(bookingId, item.ItemId, quantity: 2);
        await Probe.WaitForAsync(RoutingKeys.InventoryReserved, bookingId);
        await Probe.PaymentAsync(bookingId, succeeded: false);
        await Probe.WaitForAsync(RoutingKeys.InventoryReleased, bookingId);
        var other = "took-it-" + EventProbe.NewId();
        await Probe.BookingCreatedAsync(other, item.ItemId, quantity: 1);
        await Probe.WaitForAsync(RoutingKeys.InventoryReserved, other);

        await Probe.PaymentAsync(bookingId, succeeded: true);

        var failed = await Probe.WaitForAsync(RoutingKeys.InventoryReservationFailed, bookingId);
        Assert.Equal(ReservationFailureReasons.Released, failed.Data.GetProperty("reason").GetString());
        Assert.Equal((1, 2, 1), await env.Service.CountersAsync(item.ItemId));
    }

    [Fact]
    public async Task A_success_after_a_failure_that_came_after_expiry_takes_the_stock_again_at_once()
    {
        var item = await env.Service.CreateItemAsync(total: 5, lowStockThreshold: 0);
        var bookingId = "late-" + EventProbe.NewId();
        await Probe.BookingCreatedAsync(bookingId, item.ItemId, quantity: 2, holdMinutes: 1);
        await Probe.WaitForAsync(RoutingKeys.InventoryReserved, bookingId);
        env.Time.Advance(TimeSpan.FromMinutes(1));
        await Probe.WaitForAsync(RoutingKeys.InventoryReleased, bookingId);
        await Probe.PaymentAsync(bookingId, succeeded: false); // nothing to release any more

        await Probe.PaymentAsync(bookingId, succeeded: true);

        await Probe.WaitForAsync(RoutingKeys.InventoryConfirmed, bookingId);
        Assert.Equal((2, 5, 2), await env.Service.CountersAsync(item.ItemId));
    }

    [Fact]
    public async Task A_new_BookingCreated_for_a_released_booking_is_answered_with_a_failure()
    {
        var item = await env.Service.CreateItemAsync(total: 5, lowStockThreshold: 0);
        var bookingId = "again-" + EventProbe.NewId();
        await Probe.BookingCreatedAsync(bookingId, item.ItemId);
        await Probe.WaitForAsync(RoutingKeys.InventoryReserved, bookingId);
        await Probe.PaymentAsync(bookingId, succeeded: false);
        await Probe.WaitForAsync(RoutingKeys.InventoryReleased, bookingId);

        await Probe.BookingCreatedAsync(bookingId, item.ItemId);

        var failed = await Probe.WaitForAsync(RoutingKeys.InventoryReservationFailed, bookingId);
        Assert.Equal(ReservationFailureReasons.AlreadyReleased, failed.Data.GetProperty("reason").GetString());
        Assert.Equal((0, 5, 0), await env.Service.CountersAsync(item.ItemId));
    }
}

/// <summary>Payment outcomes for bookings that never come are forgotten after the retention, with a refund request for a success.</summary>
public sealed class WaitingPaymentRetentionTests(MessagingEnvironment env) : IClassFixture<MessagingEnvironment>
{
    [Fact]
    public async Task A_payment_whose_booking_never_comes_is_forgotten_after_the_retention_and_a_success_asks_for_a_refund()
    {
        var item = await env.Service.CreateItemAsync(total: 5, lowStockThreshold: 0);
        var paid = "never-" + EventProbe.NewId();
        var failedPayment = "never-failed-" + EventProbe.NewId();
        await env.Probe.PaymentAsync(paid, succeeded: true);
        await env.Probe.PaymentAsync(failedPayment, succeeded: false);
        await EventProbe.SettleAsync();

        env.Time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1)); // past the default retention; the sweeper ticks
        var refund = await env.Probe.WaitForAsync(RoutingKeys.InventoryReservationFailed, paid, TimeSpan.FromSeconds(20));
        await env.Probe.BookingCreatedAsync(paid, item.ItemId); // too late: a new booking, not a paid one
        await env.Probe.WaitForAsync(RoutingKeys.InventoryReserved, paid);
        await EventProbe.SettleAsync();

        Assert.Equal(ReservationFailureReasons.BookingNeverArrived, refund.Data.GetProperty("reason").GetString());
        Assert.DoesNotContain(env.Probe.For(paid), e => e.RoutingKey == RoutingKeys.InventoryConfirmed);
        Assert.Empty(env.Probe.For(failedPayment));
        Assert.Equal((1, 5, 1), await env.Service.CountersAsync(item.ItemId));
    }
}
