namespace BookingSystem.InventoryService.Reservations;

public enum ReservationAction
{
    Confirm,
    Release,
    Expire,
}

public enum TransitionDecision
{
    /// <summary>The transition is legal: apply it.</summary>
    Apply,

    /// <summary>The reservation is already where the action would take it: nothing to do (idempotent repeat).</summary>
    AlreadyDone,

    /// <summary>The transition is illegal from the current status.</summary>
    Refused,
}

/// <summary>
/// The reservation state machine. Reserved -> Confirmed | Released | Expired; Confirmed -> Released only when
/// cancelled by a person (never by a payment failure or the expiry sweeper); Released and Expired are final.
/// </summary>
public static class ReservationTransitions
{
    public static TransitionDecision Decide(ReservationStatus current, ReservationAction action, ReleaseReason? reason = null) =>
        (current, action) switch
        {
            (ReservationStatus.Reserved, ReservationAction.Release) when reason == ReleaseReason.Expired => TransitionDecision.Refused,
            (ReservationStatus.Reserved, _) => TransitionDecision.Apply,
            (ReservationStatus.Confirmed, ReservationAction.Confirm) => TransitionDecision.AlreadyDone,
            (ReservationStatus.Confirmed, ReservationAction.Release) when reason is ReleaseReason.Cancelled or ReleaseReason.Manual => TransitionDecision.Apply,
            (ReservationStatus.Released, ReservationAction.Release) => TransitionDecision.AlreadyDone,
            (ReservationStatus.Expired, ReservationAction.Expire) => TransitionDecision.AlreadyDone,
            _ => TransitionDecision.Refused,
        };

    public static ReservationStatus Target(ReservationAction action) => action switch
    {
        ReservationAction.Confirm => ReservationStatus.Confirmed,
        ReservationAction.Release => ReservationStatus.Released,
        ReservationAction.Expire => ReservationStatus.Expired,
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, null),
    };

    /// <summary>Whether a reservation in this status holds stock (counts in <c>inventory_items.reserved</c>).</summary>
    public static bool HoldsStock(ReservationStatus status) => status is ReservationStatus.Reserved or ReservationStatus.Confirmed;

    /// <summary>A hold is due for expiry once its deadline has passed (the deadline itself counts as passed).</summary>
    public static bool IsDue(DateTimeOffset expiresAt, DateTimeOffset now) => expiresAt <= now;

    public static string Explain(ReservationStatus current, ReservationAction action, ReleaseReason? reason) =>
        (current, action) switch
        {
            (ReservationStatus.Reserved, ReservationAction.Release) => "Use the expiry sweeper, not a release, to expire a hold.",
            (ReservationStatus.Confirmed, ReservationAction.Release) =>
                $"A confirmed reservation can only be released as Cancelled or Manual, not {reason}.",
            _ => $"A reservation that is {current} cannot be {Target(action)}.",
        };
}
