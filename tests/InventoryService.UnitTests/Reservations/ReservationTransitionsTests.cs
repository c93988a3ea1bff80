using BookingSystem.InventoryService.Reservations;

namespace BookingSystem.InventoryService.UnitTests.Reservations;

public sealed class ReservationTransitionsTests
{
    [Theory]
    [InlineData(ReservationStatus.Reserved, ReservationAction.Confirm, null, TransitionDecision.Apply)]
    [InlineData(ReservationStatus.Reserved, ReservationAction.Release, ReleaseReason.PaymentFailed, TransitionDecision.Apply)]
    [InlineData(ReservationStatus.Reserved, ReservationAction.Release, ReleaseReason.Cancelled, TransitionDecision.Apply)]
    [InlineData(ReservationStatus.Reserved, ReservationAction.Release, ReleaseReason.Expired, TransitionDecision.Refused)]
    [InlineData(ReservationStatus.Reserved, ReservationAction.Expire, null, TransitionDecision.Apply)]
    [InlineData(ReservationStatus.Confirmed, ReservationAction.Confirm, null, TransitionDecision.AlreadyDone)]
    [InlineData(ReservationStatus.Confirmed, ReservationAction.Release, ReleaseReason.Cancelled, TransitionDecision.Apply)]
    [InlineData(ReservationStatus.Confirmed, ReservationAction.Release, ReleaseReason.Manual, TransitionDecision.Apply)]
    [InlineData(ReservationStatus.Confirmed, ReservationAction.Release, ReleaseReason.PaymentFailed, TransitionDecision.Refused)]
    [InlineData(ReservationStatus.Confirmed, ReservationAction.Expire, null, TransitionDecision.Refused)]
    [InlineData(ReservationStatus.Released, ReservationAction.Release, ReleaseReason.Cancelled, TransitionDecision.AlreadyDone)]
    [InlineData(ReservationStatus.Released, ReservationAction.Confirm, null, TransitionDecision.Refused)]
    [InlineData(ReservationStatus.Released, ReservationAction.Expire, null, TransitionDecision.Refused)]
    [InlineData(ReservationStatus.Expired, ReservationAction.Expire, null, TransitionDecision.AlreadyDone)]
    [InlineData(ReservationStatus.Expired, ReservationAction.Confirm, null, TransitionDecision.Refused)]
    [InlineData(ReservationStatus.Expired, ReservationAction.Release, ReleaseReason.PaymentFailed, TransitionDecision.Refused)]
    public void Decide_follows_the_state_machine(ReservationStatus from, ReservationAction action, ReleaseReason? reason, TransitionDecision expected) =>
        Assert.Equal(expected, ReservationTransitions.Decide(from, action, reason));

    [Theory]
    [InlineData(ReservationStatus.Reserved, true)]
    [InlineData(ReservationStatus.Confirmed, true)]
    [InlineData(ReservationStatus.Released, false)]
    [InlineData(ReservationStatus.Expired, false)]
    public void Only_reserved_and_confirmed_hold_stock(ReservationStatus status, bool holds) =>
        Assert.Equal(holds, ReservationTransitions.HoldsStock(status));

    [Fact]
    public void A_hold_is_due_at_its_deadline_and_not_a_tick_before()
    {
        var deadline = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

        Assert.False(ReservationTransitions.IsDue(deadline, deadline.AddTicks(-1)));
        Assert.True(ReservationTransitions.IsDue(deadline, deadline));
        Assert.True(ReservationTransitions.IsDue(deadline, deadline.AddMinutes(1)));
    }

    [Fact]
    public void Refusals_explain_themselves()
    {
        Assert.Equal("A reservation that is Expired cannot be Confirmed.",
            ReservationTransitions.Explain(ReservationStatus.Expired, ReservationAction.Confirm, null));
        Assert.Contains("Cancelled or Manual", ReservationTransitions.Explain(ReservationStatus.Confirmed, ReservationAction.Release, ReleaseReason.PaymentFailed), StringComparison.Ordinal);
    }
}
