using static BookingSystem.InventoryService.Reservations.ReservationAction;
using static BookingSystem.InventoryService.Reservations.ReservationStatus;

namespace BookingSystem.InventoryService.Reservations;

public enum ReservationAction
{
    /// <summary>
    /// Take the stock for a new booking (a BookingCreated or an HTTP reserve); on an existing one: a repeat.
    /// </summary>
    Hold,

    /// <summary>Confirm a hold (without a payment: an operator or a test).</summary>
    Confirm,

    /// <summary>The payment succeeded: confirm the hold, or take the stock again after the hold ended.</summary>
    Pay,

    /// <summary>
    /// Give the stock back for the given reason (a payment failure, a cancellation, a manual release).
    /// </summary>
    Release,

    /// <summary>The hold ran out (the sweeper).</summary>
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

/// <summary>What happens to the stock the reservation's lines name when a transition is applied.</summary>
public enum StockMove
{
    None,

    /// <summary>
    /// The lines' quantities are taken (if they are all available; else the transition cannot happen).
    /// </summary>
    Take,

    /// <summary>The lines' quantities are given back.</summary>
    GiveBack,
}

/// <summary>
/// One decision of the state machine: whether, to which status, and what it does to the stock; <see cref="From"/> is
/// the status it was decided for (null: no reservation yet).
/// </summary>
public sealed record Transition(TransitionDecision Decision, ReservationStatus Target, StockMove Stock)
{
    public ReservationStatus? From { get; init; }

    public static Transition Refused { get; } = new(TransitionDecision.Refused, default, StockMove.None);

    public static Transition Done(ReservationStatus status) =>
        new(TransitionDecision.AlreadyDone, status, StockMove.None);

    public static Transition To(ReservationStatus target, StockMove stock = StockMove.None) =>
        new(TransitionDecision.Apply, target, stock);
}

/// <summary>
/// The reservation state machine, the only authority on a reservation's status. No reservation yet: a hold takes the
/// stock (Reserved); a payment failure that came first makes it Released at once, holding nothing.
/// Reserved → Confirmed (confirm, pay) | Released (any release but Expired, gives the stock back) | Expired (gives it
/// back).
/// Confirmed → Released only when cancelled by a person (never by a payment failure or the expiry sweeper).
/// A payment after the hold ended (Expired, or Released by a payment failure: a successful retry) takes the stock
/// again if it is all there → Confirmed. Otherwise Released and Expired are final.
/// </summary>
public static class ReservationTransitions
{
    /// <param name="current">The reservation's status; null: there is none yet.</param>
    /// <param name="releasedAs">Why a Released reservation was released.</param>
    /// <param name="reason">The release reason the action gives (<see cref="ReservationAction.Release"/>).</param>
    public static Transition Decide(
        ReservationStatus? current, ReleaseReason? releasedAs, ReservationAction action,
        ReleaseReason? reason = null) =>
        Choose(current, releasedAs, action, reason) with { From = current };

    public static string Explain(ReservationStatus current, ReservationAction action, ReleaseReason? reason) =>
        (current, action) switch
        {
            (Reserved, Release) => "Use the expiry sweeper, not a release, to expire a hold.",
            (Confirmed, Release) =>
                $"A confirmed reservation can only be released as Cancelled or Manual, not {reason}.",
            _ => $"A reservation that is {current} cannot be {Past(action)}.",
        };

    private static Transition Choose(
        ReservationStatus? current, ReleaseReason? releasedAs, ReservationAction action, ReleaseReason? reason) =>
        (current, action) switch
        {
            (null, Hold) => Transition.To(Reserved, StockMove.Take),
            (null, Release) when reason == ReleaseReason.PaymentFailed => Transition.To(Released),
            (null, _) => Transition.Refused,
            (Reserved or Confirmed, Hold) => Transition.Done(current.Value),
            (Reserved, Confirm or Pay) => Transition.To(Confirmed),
            (Reserved, Release) when reason != ReleaseReason.Expired => Transition.To(Released, StockMove.GiveBack),
            (Reserved, Expire) => Transition.To(Expired, StockMove.GiveBack),
            (Confirmed, Confirm or Pay) => Transition.Done(Confirmed),
            (Confirmed, Release) when reason is ReleaseReason.Cancelled or ReleaseReason.Manual =>
                Transition.To(Released, StockMove.GiveBack),
            (Expired, Pay) => Transition.To(Confirmed, StockMove.Take),
            (Released, Pay) when releasedAs == ReleaseReason.PaymentFailed => Transition.To(Confirmed, StockMove.Take),
            (Released, Release) => Transition.Done(Released),
            (Expired, Expire) => Transition.Done(Expired),
            _ => Transition.Refused,
        };

    private static string Past(ReservationAction action) => action switch
    {
        Hold => "held again",
        Confirm or Pay => nameof(Confirmed),
        Release => nameof(Released),
        _ => nameof(Expired),
    };
}
