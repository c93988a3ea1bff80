using BookingSystem.Contracts;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;

namespace BookingSystem.InventoryService.IntegrationTests.Nightly;

/// <summary>
/// Stays by message: the hold's lifecycle (payment, payment failure, expiry, payment after expiry) moves each night's
/// held and sold counts exactly as it moves a pool's count, the outcome events say which nights, and bad dates are
/// dead letters with the reason. The service's clock starts at 2026-11-21 12:00 UTC.
/// </summary>
public sealed class NightlyMessagingTests(MessagingEnvironment env) : IClassFixture<MessagingEnvironment>
{
    private readonly HttpClient _client = env.Service.CreateClient();

    private EventProbe Probe => env.Probe;

    [Fact]
    public async Task A_paid_stay_moves_its_nights_from_held_to_sold_and_the_events_name_the_stay()
    {
        var itemId = await _client.CreateNightlyAsync(capacity: 4);
        var bookingId = "paid-stay-" + EventProbe.NewId();

        await BookStayAsync(bookingId, itemId, 2, "2026-12-01", "2026-12-03");
        var reserved = await Probe.WaitForAsync(RoutingKeys.InventoryReserved, bookingId);
        var held = await _client.CountsAsync(itemId, "2026-12-01", "2026-12-04");
        await Probe.PaymentAsync(bookingId, succeeded: true);
        var confirmed = await Probe.WaitForAsync(RoutingKeys.InventoryConfirmed, bookingId);

        Assert.Equal(("2026-12-01", "2026-12-03"), Stay(reserved));
        Assert.Equal(("2026-12-01", "2026-12-03"), Stay(confirmed));
        Assert.False(reserved.Data.TryGetProperty("overbooked", out _));
        Assert.Equal([2, 2, 0], held);
        Assert.Equal([0, 0, 0], await _client.CountsAsync(itemId, "2026-12-01", "2026-12-04"));
        Assert.Equal([2, 2, 0], await _client.CountsAsync(itemId, "2026-12-01", "2026-12-04", "confirmed"));
    }

    [Fact]
    public async Task A_failed_payment_releases_the_nights_and_a_paid_cancellation_gives_back_the_sold_ones()
    {
        var itemId = await _client.CreateNightlyAsync(capacity: 4);
        var failed = "failed-stay-" + EventProbe.NewId();
        var paid = "paid-then-cancelled-" + EventProbe.NewId();
        await BookStayAsync(failed, itemId, 1, "2026-12-01", "2026-12-03");
        await BookStayAsync(paid, itemId, 1, "2026-12-02", "2026-12-04");
        await Probe.WaitForAsync(RoutingKeys.InventoryReserved, failed);
        await Probe.WaitForAsync(RoutingKeys.InventoryReserved, paid);

        await Probe.PaymentAsync(failed, succeeded: false);
        await Probe.PaymentAsync(paid, succeeded: true);
        var released = await Probe.WaitForAsync(RoutingKeys.InventoryReleased, failed);
        await Probe.WaitForAsync(RoutingKeys.InventoryConfirmed, paid);
        var sold = await _client.CountsAsync(itemId, "2026-12-01", "2026-12-04", "confirmed");
        using var cancel = await _client.PostJsonAsync("/api/inventory/release", new { bookingId = paid, reason = "Cancelled" });

        Assert.Equal(("2026-12-01", "2026-12-03"), Stay(released));
        Assert.Equal([0, 1, 1], sold);
        Assert.Equal(System.Net.HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal([0, 0, 0], await _client.CountsAsync(itemId, "2026-12-01", "2026-12-04", "confirmed"));
        Assert.Equal([0, 0, 0], await _client.CountsAsync(itemId, "2026-12-01", "2026-12-04"));
    }

    [Fact]
    public async Task An_expired_stay_gives_its_nights_back_and_a_payment_after_expiry_takes_them_again_as_sold()
    {
        var itemId = await _client.CreateNightlyAsync(capacity: 4);
        var bookingId = "expired-stay-" + EventProbe.NewId();
        await BookStayAsync(bookingId, itemId, 3, "2026-12-05", "2026-12-07", holdMinutes: 1);
        await Probe.WaitForAsync(RoutingKeys.InventoryReserved, bookingId);

        env.Time.Advance(TimeSpan.FromMinutes(1));
        await Probe.WaitForAsync(RoutingKeys.InventoryReleased, bookingId);
        var afterExpiry = await _client.CountsAsync(itemId, "2026-12-05", "2026-12-07");
        await Probe.PaymentAsync(bookingId, succeeded: true);
        await Probe.WaitForAsync(RoutingKeys.InventoryConfirmed, bookingId);

        Assert.Equal([0, 0], afterExpiry);
        Assert.Equal([0, 0], await _client.CountsAsync(itemId, "2026-12-05", "2026-12-07"));
        Assert.Equal([3, 3], await _client.CountsAsync(itemId, "2026-12-05", "2026-12-07", "confirmed"));
    }

    [Fact]
    public async Task A_payment_after_expiry_whose_nights_were_sold_meanwhile_asks_for_a_refund()
    {
        var itemId = await _client.CreateNightlyAsync(capacity: 1);
        var bookingId = "expired-gone-" + EventProbe.NewId();
        await BookStayAsync(bookingId, itemId, 1, "2026-12-10", "2026-12-12", holdMinutes: 1);
        await Probe.WaitForAsync(RoutingKeys.InventoryReserved, bookingId);
        env.Time.Advance(TimeSpan.FromMinutes(1));
        await Probe.WaitForAsync(RoutingKeys.InventoryReleased, bookingId);
        var other = "took-the-night-" + EventProbe.NewId();
        await BookStayAsync(other, itemId, 1, "2026-12-11", "2026-12-12");
        await Probe.WaitForAsync(RoutingKeys.InventoryReserved, other);

        await Probe.PaymentAsync(bookingId, succeeded: true);

        var failure = await Probe.WaitForAsync(RoutingKeys.InventoryReservationFailed, bookingId);
        Assert.Equal(ReservationFailureReasons.HoldExpired, failure.Data.GetProperty("reason").GetString());
        Assert.Equal([0, 1], await _client.CountsAsync(itemId, "2026-12-10", "2026-12-12"));
        Assert.Equal([0, 0], await _client.CountsAsync(itemId, "2026-12-10", "2026-12-12", "confirmed"));
    }

    [Fact]
    public async Task Payments_that_come_before_their_stay_confirm_it_at_once_or_hold_nothing()
    {
        var itemId = await _client.CreateNightlyAsync(capacity: 4);
        var paid = "paid-first-" + EventProbe.NewId();
        var declined = "declined-first-" + EventProbe.NewId();
        await Probe.PaymentAsync(paid, succeeded: true);
        await Probe.PaymentAsync(declined, succeeded: false);
        await env.WaitForPaymentRecordAsync(paid);
        await env.WaitForPaymentRecordAsync(declined);

        await BookStayAsync(paid, itemId, 2, "2026-12-12", "2026-12-14");
        await BookStayAsync(declined, itemId, 1, "2026-12-12", "2026-12-14");

        await Probe.WaitForAsync(RoutingKeys.InventoryConfirmed, paid);
        await Probe.WaitForAsync(RoutingKeys.InventoryReleased, declined);
        Assert.Equal([0, 0], await _client.CountsAsync(itemId, "2026-12-12", "2026-12-14"));
        Assert.Equal([2, 2], await _client.CountsAsync(itemId, "2026-12-12", "2026-12-14", "confirmed"));
    }

    [Fact]
    public async Task A_stay_that_cannot_be_had_is_answered_with_the_failing_nights_and_their_reasons()
    {
        var itemId = await _client.CreateNightlyAsync(capacity: 1);
        using var close = await _client.ChangeCalendarAsync(itemId,
            new { from = "2026-12-16", to = "2026-12-17", closed = true, reasonCode = "Correction" });
        var bookingId = "closed-stay-" + EventProbe.NewId();

        await BookStayAsync(bookingId, itemId, 1, "2026-12-15", "2026-12-18");

        var failure = await Probe.WaitForAsync(RoutingKeys.InventoryReservationFailed, bookingId);
        Assert.Equal(ReservationFailureReasons.Closed, failure.Data.GetProperty("reason").GetString());
        var line = failure.Data.GetProperty("lines")[0];
        Assert.Equal(("2026-12-15", "2026-12-18"), (line.GetProperty("checkIn").GetString(), line.GetProperty("checkOut").GetString()));
        var night = Assert.Single(line.GetProperty("nights").EnumerateArray());
        Assert.Equal(("2026-12-16", "Closed"), (night.GetProperty("night").GetString(), night.GetProperty("reason").GetString()));
        Assert.Equal([0, 0, 0], await _client.CountsAsync(itemId, "2026-12-15", "2026-12-18"));
    }

    [Fact]
    public async Task Low_availability_of_a_night_raises_one_alert_for_that_night()
    {
        var itemId = await _client.CreateNightlyAsync(capacity: 3, lowStockThreshold: 1);
        var first = "low-first-" + EventProbe.NewId();
        var second = "low-second-" + EventProbe.NewId();

        await BookStayAsync(first, itemId, 2, "2026-12-20", "2026-12-21");
        await Probe.WaitForAsync(RoutingKeys.InventoryReserved, first);
        await BookStayAsync(second, itemId, 1, "2026-12-20", "2026-12-22");
        await Probe.WaitForAsync(RoutingKeys.InventoryReserved, second);
        await EventProbe.SettleAsync();

        var alerts = Probe.Received.Where(e => e.RoutingKey == RoutingKeys.LowStockAlert
            && e.Data.GetProperty("itemId").GetString() == itemId).ToList();
        var alert = Assert.Single(alerts); // the 20th fell to 1 (alert), then to 0 (already alerted); the 21st has 2
        Assert.Equal(("2026-12-20", 1, 1), (alert.Data.GetProperty("night").GetString(),
            alert.Data.GetProperty("available").GetInt32(), alert.Data.GetProperty("threshold").GetInt32()));
    }

    [Theory]
    [InlineData("2026-12-05", "2026-12-04", "items[0].checkOut: checkOut must be after checkIn.")]
    [InlineData("2026-11-01", "2026-11-03", "items[0].checkIn: 2026-11-01 is in the past in the item's time zone (UTC, where today is 2026-11-21).")]
    [InlineData(null, null, "is sold by the night: send checkIn and checkOut")]
    [InlineData("2026-12-01", "2027-01-01", "items[0].checkOut: A stay is at most 30 nights; this one has 31.")]
    [InlineData("2028-11-18", "2028-11-21", "items[0].checkOut: The stay goes beyond the booking horizon")]
    [InlineData(null, "2026-12-05", "items[0].checkIn: Send both checkIn and checkOut.")]
    [InlineData("2026-12-01", "2026-12-02", "items[0].checkIn: POOL is not sold by the night", true)]
    public async Task Bad_dates_by_message_are_dead_letters_with_the_reason(
        string? checkIn, string? checkOut, string reason, bool poolItem = false)
    {
        var itemId = poolItem
            ? (await env.Service.CreateItemAsync(total: 4, prefix: "POOL")).ItemId
            : await _client.CreateNightlyAsync(capacity: 4);
        var bookingId = "bad-dates-" + EventProbe.NewId();

        var messageId = await Probe.PublishAsync(RoutingKeys.BookingCreated, EventTypes.BookingCreated,
            new { bookingId, items = new[] { new { itemId, quantity = 1, checkIn, checkOut } } });

        var letters = new List<DeadLetter>();
        await Eventually.HoldsAsync(async () =>
        {
            letters.AddRange(await Probe.DeadLettersAsync(Topology.BookingCreatedQueue));
            return letters.Any(l => l.MessageId == messageId);
        }, TimeSpan.FromSeconds(20), () => $"no dead letter for {bookingId}");
        Assert.Contains(reason.Replace("POOL", itemId, StringComparison.Ordinal),
            letters.Single(l => l.MessageId == messageId).Reason, StringComparison.Ordinal);
        Assert.Empty(Probe.For(bookingId));
    }

    private static (string?, string?) Stay(ReceivedEvent e)
    {
        var line = Assert.Single(e.Data.GetProperty("items").EnumerateArray());
        return (line.GetProperty("checkIn").GetString(), line.GetProperty("checkOut").GetString());
    }

    private Task<string> BookStayAsync(
        string bookingId, string itemId, int quantity, string checkIn, string checkOut, int? holdMinutes = null) =>
        Probe.PublishAsync(RoutingKeys.BookingCreated, EventTypes.BookingCreated, new
        {
            bookingId, userId = "user-1", holdMinutes, items = new[] { new { itemId, quantity, checkIn, checkOut } },
        });
}
