using BookingSystem.Contracts;
using BookingSystem.InventoryService.Messaging;

namespace BookingSystem.InventoryService.Reservations;

/// <summary>
/// A payment outcome for a booking, validated from its event (whose ids the remembered outcome keeps).
/// </summary>
public sealed record PaymentCommand(string BookingId, PaymentResult Result, string EventId, string CorrelationId);

/// <summary>
/// The payment-outcome rules, decided like <see cref="ReservationRules"/> against the rows a <see cref="LockSession"/>
/// locked. A payment applies to the booking that came by message with that id (an HTTP reservation's key is never a
/// booking id, so a payment cannot reach one). Success confirms the hold (or, after expiry, takes the stock again if
/// it can, else publishes a <see cref="ReservationFailureReasons.HoldExpired"/> failure so the booking side refunds);
/// failure releases it. A payment that comes before its booking is remembered and applied when the booking comes.
/// Only the first outcome per booking counts; a different later one is answered.
/// </summary>
public sealed class PaymentRules(ReservationRules reservations, Outbox outbox, ILogger<ReservationService> logger)
{
    /// <summary>
    /// Whether payment outcomes can change the counters of a reservation's stock, so it must be locked: a failure
    /// releases a hold; a success takes the stock again after expiry or release, and on a hold moves a nightly line's
    /// nights from held to sold. A success on a pool hold (confirm) or anything on a confirmed one does not.
    /// </summary>
    public static bool MayMoveStock(IEnumerable<PaymentResult> results, Reservation reservation) =>
        reservation.Status switch
        {
            ReservationStatus.Reserved => results.Contains(PaymentResult.Failed)
                || reservation.Lines.Any(l => l.IsNightly),
            ReservationStatus.Expired or ReservationStatus.Released => results.Contains(PaymentResult.Succeeded),
            _ => false,
        };

    public PaymentHandling Apply(LockSession session, PaymentCommand command, DateTimeOffset now)
    {
        var (bookingId, result) = (command.BookingId, command.Result);
        if (session.Payment(bookingId) is { } earlier)
        {
            return ApplyLater(session, earlier, command, now);
        }

        var payment = new PaymentOutcome
        {
            BookingId = bookingId,
            Result = result,
            EventId = command.EventId,
            CorrelationId = command.CorrelationId,
            ReceivedAt = now,
        };
        session.Add(payment);
        if (session.Reservation(bookingId) is not { } reservation)
        {
            Log.PaymentOutcomeRemembered(logger, bookingId, result);
            return PaymentHandling.Remembered;
        }

        // Applied means "decided against the booking", whatever the answer: it no longer waits for one.
        payment.AppliedAt = now;
        return ApplyTo(session, reservation, command, now);
    }

    /// <summary>
    /// Forgets a payment outcome whose booking never came; a successful one is answered with
    /// <see cref="ReservationFailureReasons.BookingNeverArrived"/> so the payment side refunds.
    /// </summary>
    public void Forget(LockSession session, PaymentOutcome payment)
    {
        if (payment.Result == PaymentResult.Succeeded)
        {
            outbox.ReservationFailed(payment.BookingId, ReservationFailureReasons.BookingNeverArrived, [],
                payment.CorrelationId, causationId: payment.EventId);
        }

        Log.PaymentForgotten(logger, payment.BookingId, payment.Result, payment.ReceivedAt);
        session.Remove(payment);
    }

    /// <summary>
    /// A payment outcome for a booking that already had one. The same result again is a repeat: nothing happens. A
    /// different one is answered with something the payment side can act on: success after a failure (a successful
    /// retry) takes the released stock again if it is there (InventoryConfirmed) or asks for a refund
    /// (<see cref="ReservationFailureReasons.Released"/>); a failure after a success leaves the confirmed booking as
    /// it is and confirms it again, so the payment side knows the stock is sold and paid.
    /// </summary>
    private PaymentHandling ApplyLater(
        LockSession session, PaymentOutcome earlier, PaymentCommand command, DateTimeOffset now)
    {
        var result = command.Result;
        if (earlier.Result == result)
        {
            Log.PaymentOutcomeIgnored(logger, earlier.BookingId, result, earlier.Result, earlier.EventId);
            return PaymentHandling.Ignored;
        }

        if (session.Reservation(earlier.BookingId) is not { } reservation)
        {
            // Both outcomes came before the booking: the success wins, since the money was taken.
            if (result == PaymentResult.Failed)
            {
                Log.PaymentOutcomeIgnored(logger, earlier.BookingId, result, earlier.Result, earlier.EventId);
                return PaymentHandling.Ignored;
            }

            Replace(earlier, command, now);
            return PaymentHandling.Remembered;
        }

        var handling = ApplyTo(session, reservation, command, now);
        if (handling == PaymentHandling.Applied && result == PaymentResult.Succeeded)
        {
            Replace(earlier, command, now);
        }

        earlier.AppliedAt ??= now;
        return handling;
    }

    /// <summary>
    /// What a payment outcome does to the booking's reservation: the state machine's <see
    /// cref="ReservationAction.Pay"/>
    /// or release for <see cref="ReleaseReason.PaymentFailed"/>, and an answer where it refuses. Success after a
    /// cancellation asks for a refund (nothing is held, nothing is taken again); success after the hold ended whose
    /// stock is gone asks for one too. Failure after a confirmation: the confirmation stands and is published again.
    /// </summary>
    private PaymentHandling ApplyTo(
        LockSession session, Reservation reservation, PaymentCommand command, DateTimeOffset now)
    {
        var result = command.Result;
        var (action, reason) = result == PaymentResult.Succeeded
            ? (ReservationAction.Pay, (ReleaseReason?)null)
            : (ReservationAction.Release, ReleaseReason.PaymentFailed);
        var decision = ReservationTransitions.Decide(reservation.Status, reservation.ReleaseReason, action, reason);
        if (decision.Decision == TransitionDecision.Refused)
        {
            switch (result, reservation.Status)
            {
                case (PaymentResult.Succeeded, _):
                    outbox.ReservationFailed(reservation.Key, ReservationFailureReasons.Released,
                        ReservationRules.AsRequested(reservation), reservation.CorrelationId);
                    Log.PaymentAfterRelease(logger, reservation.Key);
                    return PaymentHandling.Applied;
                case (PaymentResult.Failed, ReservationStatus.Confirmed):
                    outbox.Confirmed(reservation);
                    Log.PaymentOutcomeIgnored(
                        logger, reservation.Key, result, PaymentResult.Succeeded, command.EventId);
                    return PaymentHandling.Applied;
            }
        }

        var transition = reservations.Carry(session, reservation, decision, action, reason, now);
        switch (transition.Outcome)
        {
            case TransitionOutcome.Applied:
                return PaymentHandling.Applied;
            case TransitionOutcome.Unavailable:
                var failure = reservation.Status == ReservationStatus.Expired
                    ? ReservationFailureReasons.HoldExpired
                    : ReservationFailureReasons.Released;
                outbox.ReservationFailed(reservation.Key, failure, transition.Shortfall!, reservation.CorrelationId);
                Log.RetakeFailed(logger, reservation.Key, reservation.Status);
                return PaymentHandling.Applied;
            default:
                return PaymentHandling.Ignored;
        }
    }

    private void Replace(PaymentOutcome earlier, PaymentCommand command, DateTimeOffset now)
    {
        Log.PaymentOutcomeReplaced(logger, earlier.BookingId, earlier.Result, command.Result);
        earlier.Result = command.Result;
        earlier.EventId = command.EventId;
        earlier.CorrelationId = command.CorrelationId;
        earlier.ReceivedAt = now; // its wait for the booking starts now
    }
}
