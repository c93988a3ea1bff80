using BookingSystem.Cli.Messaging.Simulation;
using BookingSystem.Contracts;

namespace BookingSystem.Cli.Tests.Messaging.Simulation;

public sealed class OutcomeLedgerTests
{
    private static readonly BookingLine[] Lines = [new("ROOM-101", 2), new("ROOM-102", 1)];

    [Fact]
    public void A_paying_booking_gets_one_payment_on_its_hold_and_ends_confirmed()
    {
        var (ledger, booking) = LedgerWith(PaymentPlan.Pay);

        var payment = ledger.Observe(Reserved(booking, "e1"), TimeSpan.FromSeconds(1));
        var repeat = ledger.Observe(Reserved(booking, "e1"), TimeSpan.FromSeconds(1));
        Assert.False(ledger.AllHaveFinalOutcome);
        ledger.Observe(Event(EventTypes.InventoryConfirmed, booking, "e2"), TimeSpan.FromSeconds(2));

        Assert.Equal(new PaymentToSend(booking, Succeeds: true, CausationId: "e1"), payment);
        Assert.Null(repeat);
        Assert.Equal(1, ledger.DuplicateDeliveries);
        Assert.True(ledger.AllHaveFinalOutcome);
        Assert.Equal(TimeSpan.FromSeconds(2), ledger.LastFinalOutcomeAt);
        var verdict = Assert.Single(ledger.Verdicts());
        Assert.Equal((BookingVerdict.Confirmed, 1, null, true), (verdict.Outcome, verdict.FinalOutcomes, verdict.Problem, verdict.HoldsStock));
    }

    [Fact]
    public void A_failing_payment_is_sent_as_payment_failed_and_the_release_is_the_outcome()
    {
        var (ledger, booking) = LedgerWith(PaymentPlan.FailPayment);

        var payment = ledger.Observe(Reserved(booking, "e1"), TimeSpan.Zero);
        ledger.Observe(Event(EventTypes.InventoryReleased, booking, "e2", ReleaseReasons.PaymentFailed), TimeSpan.Zero);

        Assert.False(payment!.Succeeds);
        var verdict = Assert.Single(ledger.Verdicts());
        Assert.Equal("Released (PaymentFailed)", verdict.Outcome);
        Assert.False(verdict.HoldsStock);
    }

    [Fact]
    public void A_booking_that_never_pays_is_final_once_reserved_and_holds_its_stock()
    {
        var (ledger, booking) = LedgerWith(PaymentPlan.NeverPay);

        var payment = ledger.Observe(Reserved(booking, "e1"), TimeSpan.Zero);

        Assert.Null(payment);
        Assert.True(ledger.AllHaveFinalOutcome);
        var verdict = Assert.Single(ledger.Verdicts());
        Assert.Equal((BookingVerdict.NeverPaid, true), (verdict.Outcome, verdict.HoldsStock));
    }

    [Fact]
    public void A_hold_left_to_expire_asks_for_no_payment_and_is_final_only_once_released_as_expired()
    {
        var (ledger, booking) = LedgerWith(PaymentPlan.LetExpire);

        var payment = ledger.Observe(Reserved(booking, "e1"), TimeSpan.Zero);
        Assert.False(ledger.AllHaveFinalOutcome);
        ledger.Observe(Event(EventTypes.InventoryReleased, booking, "e2", ReleaseReasons.Expired), TimeSpan.FromSeconds(4));

        Assert.Null(payment);
        Assert.True(ledger.AllHaveFinalOutcome);
        var verdict = Assert.Single(ledger.Verdicts());
        Assert.Equal(("Released (Expired)", null, false), (verdict.Outcome, verdict.Problem, verdict.HoldsStock));
    }

    [Fact]
    public void A_failed_reservation_is_final_and_asks_for_no_payment()
    {
        var (ledger, booking) = LedgerWith(PaymentPlan.Pay);

        var payment = ledger.Observe(Event(EventTypes.InventoryReservationFailed, booking, "e1", ReservationFailureReasons.InsufficientStock), TimeSpan.Zero);

        Assert.Null(payment);
        Assert.Equal("ReservationFailed (InsufficientStock)", Assert.Single(ledger.Verdicts()).Outcome);
        Assert.Equal(new ProgressSnapshot(Reserved: 0, Failed: 1, Confirmed: 0, Released: 0, Pending: 0), ledger.Progress());
    }

    [Fact]
    public void A_paid_booking_without_its_confirmation_has_no_final_outcome()
    {
        var (ledger, booking) = LedgerWith(PaymentPlan.Pay);

        ledger.Observe(Reserved(booking, "e1"), TimeSpan.Zero);

        var verdict = Assert.Single(ledger.Verdicts());
        Assert.Equal(0, verdict.FinalOutcomes);
        Assert.Contains("no final outcome", verdict.Problem, StringComparison.Ordinal);
        Assert.Equal(new ProgressSnapshot(Reserved: 1, Failed: 0, Confirmed: 0, Released: 0, Pending: 1), ledger.Progress());
    }

    [Theory]
    [InlineData(EventTypes.InventoryReleased, ReleaseReasons.PaymentFailed)]
    [InlineData(EventTypes.InventoryConfirmed, null)]
    [InlineData(EventTypes.InventoryReserved, null)]
    public void A_second_outcome_with_a_new_event_id_counts_as_a_second_final_outcome(string secondType, string? reason)
    {
        var (ledger, booking) = LedgerWith(PaymentPlan.Pay);

        ledger.Observe(Reserved(booking, "e1"), TimeSpan.Zero);
        ledger.Observe(Event(EventTypes.InventoryConfirmed, booking, "e2"), TimeSpan.Zero);
        ledger.Observe(Event(secondType, booking, "e3", reason), TimeSpan.Zero);

        var verdict = Assert.Single(ledger.Verdicts());
        Assert.Equal(2, verdict.FinalOutcomes);
        Assert.Null(verdict.Outcome);
        Assert.False(verdict.HoldsStock);
        Assert.Contains("e3", verdict.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_confirmation_after_the_hold_expired_is_the_one_final_outcome()
    {
        var (ledger, booking) = LedgerWith(PaymentPlan.Pay);

        ledger.Observe(Reserved(booking, "e1"), TimeSpan.Zero);
        ledger.Observe(Event(EventTypes.InventoryReleased, booking, "e2", ReleaseReasons.Expired), TimeSpan.Zero);
        var expired = Assert.Single(ledger.Verdicts());
        ledger.Observe(Event(EventTypes.InventoryConfirmed, booking, "e3"), TimeSpan.Zero);

        Assert.Equal("Released (Expired)", expired.Outcome);
        Assert.Equal((BookingVerdict.Confirmed, 1, null), (ledger.Verdicts()[0].Outcome, ledger.Verdicts()[0].FinalOutcomes, ledger.Verdicts()[0].Problem));
    }

    [Theory]
    [InlineData(ReservationFailureReasons.HoldExpired, ReleaseReasons.Expired)]
    [InlineData(ReservationFailureReasons.Released, ReleaseReasons.Cancelled)]
    public void A_refund_request_answering_a_late_payment_is_the_one_final_outcome_whatever_order_the_events_arrive_in(string refundReason, string releaseReason)
    {
        var (inOrder, booking) = LedgerWith(PaymentPlan.Pay);
        var (reversed, _) = LedgerWith(PaymentPlan.Pay);
        ObservedEvent[] events =
        [
            Reserved(booking, "e1"),
            Event(EventTypes.InventoryReleased, booking, "e2", releaseReason),
            Event(EventTypes.InventoryReservationFailed, booking, "e3", refundReason),
        ];

        foreach (var e in events)
        {
            inOrder.Observe(e, TimeSpan.Zero);
        }

        foreach (var e in events.Reverse())
        {
            reversed.Observe(e, TimeSpan.Zero);
        }

        Assert.All(new[] { inOrder, reversed }, ledger =>
        {
            var verdict = Assert.Single(ledger.Verdicts());
            Assert.Equal(($"ReservationFailed ({refundReason})", 1, null, false), (verdict.Outcome, verdict.FinalOutcomes, verdict.Problem, verdict.HoldsStock));
        });
        Assert.Equal(new ProgressSnapshot(Reserved: 1, Failed: 0, Confirmed: 0, Released: 1, Pending: 0), inOrder.Progress());
    }

    [Fact]
    public void A_confirmation_of_a_booking_whose_payment_failed_is_flagged_as_unexpected()
    {
        var (ledger, booking) = LedgerWith(PaymentPlan.FailPayment);

        ledger.Observe(Reserved(booking, "e1"), TimeSpan.Zero);
        ledger.Observe(Event(EventTypes.InventoryConfirmed, booking, "e2"), TimeSpan.Zero);

        var verdict = Assert.Single(ledger.Verdicts());
        Assert.Equal(1, verdict.FinalOutcomes);
        Assert.Contains("unexpected outcome", verdict.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Events_of_other_bookings_count_only_as_foreign_changes_to_the_simulated_items()
    {
        var (ledger, _) = LedgerWith(PaymentPlan.Pay);

        ledger.Observe(new ObservedEvent(EventTypes.InventoryReserved, "x1", "someone-else", null, [new("ROOM-101", 3), new("ROOM-999", 5)]), TimeSpan.Zero);
        ledger.Observe(new ObservedEvent(EventTypes.InventoryReleased, "x2", "someone-else-2", ReleaseReasons.Expired, [new("ROOM-102", 1)]), TimeSpan.Zero);
        ledger.Observe(new ObservedEvent(EventTypes.InventoryReserved, "x3", "far-away", null, [new("ROOM-999", 1)]), TimeSpan.Zero);
        ledger.Observe(new ObservedEvent(EventTypes.LowStockAlert, "x4", null, null, []), TimeSpan.Zero);

        Assert.Equal(2, ledger.ForeignEvents);
        Assert.Equal(1, ledger.LowStockAlerts);
        var expected = new Dictionary<CounterKey, int> { [new("ROOM-101")] = 3, [new("ROOM-102")] = -1 };
        Assert.Equal(expected, ledger.ForeignReservedDelta);
        Assert.Empty(Assert.Single(ledger.Verdicts()).Events);
    }

    [Theory]
    [InlineData(ReservationFailureReasons.Closed)]
    [InlineData(ReservationFailureReasons.MinStay)]
    [InlineData(ReservationFailureReasons.OutsideHorizon)]
    public void A_stay_refused_by_a_night_rule_is_a_fitting_final_outcome(string reason)
    {
        var (ledger, booking) = LedgerWith(PaymentPlan.Pay);

        ledger.Observe(Event(EventTypes.InventoryReservationFailed, booking, "e1", reason), TimeSpan.Zero);

        var verdict = Assert.Single(ledger.Verdicts());
        Assert.Equal($"ReservationFailed ({reason})", verdict.Outcome);
        Assert.Equal((1, null), (verdict.FinalOutcomes, verdict.Problem));
    }

    [Fact]
    public void Stays_of_other_bookings_count_as_foreign_changes_to_each_of_their_nights()
    {
        var (ledger, _) = LedgerWith(PaymentPlan.Pay);
        var (june3, june4, june5) = (new DateOnly(2027, 6, 3), new DateOnly(2027, 6, 4), new DateOnly(2027, 6, 5));

        ledger.Observe(new ObservedEvent(EventTypes.InventoryReserved, "x1", "someone-else", null,
            [new("ROOM-101", 2, june3, june5)]), TimeSpan.Zero);
        ledger.Observe(new ObservedEvent(EventTypes.InventoryReleased, "x2", "someone-else-2", ReleaseReasons.Expired,
            [new("ROOM-101", 1, june4, june5)]), TimeSpan.Zero);

        var expected = new Dictionary<CounterKey, int> { [new("ROOM-101", june3)] = 2, [new("ROOM-101", june4)] = 1 };
        Assert.Equal(expected, ledger.ForeignReservedDelta);
        Assert.Equal(2, ledger.ForeignEvents);
    }

    private static (OutcomeLedger Ledger, PlannedBooking Booking) LedgerWith(PaymentPlan payment)
    {
        var booking = new PlannedBooking("sim-r-0001", Lines, payment);
        return (new OutcomeLedger([booking], ["ROOM-101", "ROOM-102"]), booking);
    }

    private static ObservedEvent Reserved(PlannedBooking booking, string eventId) => Event(EventTypes.InventoryReserved, booking, eventId);

    private static ObservedEvent Event(string type, PlannedBooking booking, string eventId, string? reason = null) =>
        new(type, eventId, booking.BookingId, reason, type == EventTypes.InventoryReservationFailed ? [] : booking.Lines);
}
