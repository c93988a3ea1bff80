using BookingSystem.Cli.Bench;
using BookingSystem.Cli.Messaging.Simulation;
using BookingSystem.Contracts;

namespace BookingSystem.Cli.Tests.Bench;

public sealed class BenchLedgerTests
{
    private static readonly BookingLine[] Lines = [new("svc-000001", 1)];

    [Fact]
    public void The_first_reservation_outcome_is_timed_once_from_when_the_booking_was_sent()
    {
        var ledger = LedgerOf(PaymentPlan.NeverPay, PaymentPlan.NeverPay);
        ledger.Sent(0, Ms(10));
        ledger.Sent(1, Ms(20));

        var first = ledger.Observe(Reserved("b-0", "e1"), Ms(15));
        var copy = ledger.Observe(Reserved("b-0", "e1"), Ms(90));
        var second = ledger.Observe(Failed("b-1", "e2", ReservationFailureReasons.InsufficientStock), Ms(60));

        Assert.True(first.FirstOutcome);
        Assert.False(copy.FirstOutcome);
        Assert.True(second.FirstOutcome);
        Assert.Equal(2, ledger.WithOutcome);
        Assert.Equal(Ms(60), ledger.LastOutcomeAt);
        var latency = ledger.Latency();
        Assert.Equal((2, 5d, 40d), (latency.Count, latency.P50, latency.Max));
        var summary = ledger.Summarize();
        Assert.True(summary.ExactlyOneEach);
        Assert.Equal(1, summary.DuplicateDeliveries);
        Assert.Equal(1, summary.ByOutcome[BenchLedger.Held]);
        Assert.Equal(1, summary.ByOutcome[BookingVerdict.ReservationFailed(ReservationFailureReasons.InsufficientStock)]);
    }

    [Fact]
    public void A_paying_booking_is_paid_on_its_hold_and_final_only_when_confirmed()
    {
        var ledger = LedgerOf(PaymentPlan.Pay);
        ledger.Sent(0, Ms(0));

        var held = ledger.Observe(Reserved("b-0", "e1"), Ms(5));
        Assert.False(ledger.AllFinal);
        var confirmed = ledger.Observe(new ObservedEvent(EventTypes.InventoryConfirmed, "e2", "b-0", null, Lines), Ms(9));

        Assert.Equal(new Observation(true, new PaymentToSend(ledger.Bookings[0], Succeeds: true, CausationId: "e1")), held);
        Assert.False(confirmed.FirstOutcome);
        Assert.True(ledger.AllFinal);
        Assert.Equal(Ms(9), ledger.LastFinalAt);
        Assert.Equal(Ms(5), ledger.LastOutcomeAt);
    }

    [Fact]
    public void A_hold_left_to_expire_is_not_paid_and_is_final_once_released_as_expired()
    {
        var ledger = LedgerOf(PaymentPlan.LetExpire);
        ledger.Sent(0, Ms(0));

        var held = ledger.Observe(Reserved("b-0", "e1"), Ms(5));
        Assert.Null(held.Payment);
        Assert.False(ledger.AllFinal);
        ledger.Observe(new ObservedEvent(EventTypes.InventoryReleased, "e2", "b-0", ReleaseReasons.Expired, Lines), Ms(3_500));

        Assert.True(ledger.AllFinal);
        Assert.Equal(1, ledger.Summarize().ByOutcome[BookingVerdict.Released(ReleaseReasons.Expired)]);
    }

    [Fact]
    public void A_second_reservation_outcome_under_another_event_id_fails_the_one_outcome_rule()
    {
        var ledger = LedgerOf(PaymentPlan.NeverPay, PaymentPlan.NeverPay);
        ledger.Observe(Reserved("b-0", "e1"), Ms(1));
        ledger.Observe(Reserved("b-0", "e2"), Ms(2));

        var summary = ledger.Summarize();

        Assert.False(summary.ExactlyOneEach);
        Assert.Equal((1, 1, 0), (summary.Several, summary.None, summary.ExactlyOne));
        Assert.Equal(2, summary.Problems.Count);
        Assert.Contains(summary.Problems, p => p.StartsWith("b-0: 2 final outcomes", StringComparison.Ordinal));
    }

    [Fact]
    public void A_booking_never_sent_has_no_latency_and_an_event_about_another_booking_is_ignored()
    {
        var ledger = LedgerOf(PaymentPlan.NeverPay);
        var foreign = ledger.Observe(Reserved("someone-else", "e9"), Ms(1));
        ledger.Observe(Reserved("b-0", "e1"), Ms(2));

        Assert.False(foreign.FirstOutcome);
        Assert.Equal(0, ledger.Latency().Count);
        Assert.Equal((0, 1), (ledger.SentCount, ledger.WithOutcome));
    }

    private static BenchLedger LedgerOf(params PaymentPlan[] plans) =>
        new(plans.Select((plan, i) => new PlannedBooking($"b-{i}", Lines, plan)).ToList(), ["svc-000001"]);

    private static ObservedEvent Reserved(string bookingId, string eventId) => new(EventTypes.InventoryReserved, eventId, bookingId, null, Lines);

    private static ObservedEvent Failed(string bookingId, string eventId, string reason) =>
        new(EventTypes.InventoryReservationFailed, eventId, bookingId, reason, []);

    private static TimeSpan Ms(double milliseconds) => TimeSpan.FromMilliseconds(milliseconds);
}
