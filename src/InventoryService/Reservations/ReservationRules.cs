using BookingSystem.Contracts;
using BookingSystem.InventoryService.Messaging;
using BookingSystem.InventoryService.Observability;
using BookingSystem.InventoryService.Stock;
using Microsoft.Extensions.Options;

namespace BookingSystem.InventoryService.Reservations;

/// <summary>
/// The reservation rules. Each decides about one booking against the rows a <see cref="LockSession"/> locked at the
/// start of the attempt, changes them, and writes what happened to the outbox; none of them queries anything, so a
/// batch decides each of its bookings in arrival order against the same locked counters. Which status a reservation
/// may move to, and what that does to the stock, is <see cref="ReservationTransitions"/>'s to say.
/// </summary>
public sealed class ReservationRules(
    Outbox outbox, InventoryMetrics metrics, IOptions<ReservationOptions> options, ILogger<ReservationService> logger)
{
    /// <summary>
    /// Reserves all lines or nothing. A booking that already has a reservation gets it back unchanged. A payment
    /// outcome that arrived before the booking is applied at once.
    /// </summary>
    public ReserveResult Reserve(LockSession session, ReserveCommand command, DateTimeOffset now)
    {
        var result = session.Reservation(command.Key) is { } existing
            ? Repeat(existing, command)
            : ReserveNew(session, command, now);
        session.OnCommitted(() => metrics.Reservation(result.Outcome.ToString()));
        return result;
    }

    /// <summary>
    /// Moves a reservation by <paramref name="action"/> if the state machine allows it. A transition that takes the
    /// stock again (a payment after the hold ended) happens only if every line is available; otherwise nothing
    /// changes and the result is <see cref="TransitionOutcome.Unavailable"/> with the shortfall.
    /// </summary>
    public TransitionResult Transition(
        LockSession session, Reservation reservation, ReservationAction action, ReleaseReason? reason,
        DateTimeOffset now)
    {
        var from = reservation.Status;
        var transition = ReservationTransitions.Decide(from, reservation.ReleaseReason, action, reason);
        switch (transition.Decision)
        {
            case TransitionDecision.AlreadyDone:
                Log.TransitionRepeated(logger, reservation.Key, from, action);
                return new TransitionResult(TransitionOutcome.AlreadyDone, reservation);
            case TransitionDecision.Refused:
                Log.TransitionRefused(logger, reservation.Key, from, action);
                var why = ReservationTransitions.Explain(from, action, reason);
                return new TransitionResult(TransitionOutcome.Refused, reservation, why);
        }

        if (transition.Stock == StockMove.Take && Shortfall(session, reservation) is { } shortfall)
        {
            return new TransitionResult(TransitionOutcome.Unavailable, reservation, Shortfall: shortfall);
        }

        Apply(session, reservation, transition, reason, now);
        return new TransitionResult(TransitionOutcome.Applied, reservation);
    }

    /// <summary>
    /// The lines of a reservation as they were asked for, for a failure event that says what is not held.
    /// </summary>
    public static IReadOnlyList<LineAvailability> AsRequested(Reservation reservation) =>
        Unchecked(Requested(reservation));

    /// <summary>
    /// A BookingCreated or an HTTP reserve for a booking that has a reservation changes nothing, and says which of
    /// three it was: a repeat of the same request (<see cref="ReserveOutcome.Existing"/>), another request under the
    /// same booking id (<see cref="ReserveOutcome.DifferentRequest"/>), or a booking that has ended
    /// (<see cref="ReserveOutcome.Ended"/>: by message it is told that nothing is held; a repeat of an active one
    /// needs no answer, its InventoryReserved went out already).
    /// </summary>
    private ReserveResult Repeat(Reservation existing, ReserveCommand command)
    {
        var repeat = ReservationTransitions.Decide(existing.Status, existing.ReleaseReason, ReservationAction.Hold);
        if (repeat.Decision == TransitionDecision.Refused)
        {
            if (command.ByMessage)
            {
                var reason = existing.Status == ReservationStatus.Expired
                    ? ReservationFailureReasons.AlreadyExpired
                    : ReservationFailureReasons.AlreadyReleased;
                outbox.ReservationFailed(existing.Key, reason, AsRequested(existing), command.CorrelationId);
            }

            return ReserveResult.Repeated(existing, ReserveOutcome.Ended);
        }

        var same = InOrder(Requested(existing)).SequenceEqual(InOrder(command.Lines));
        return ReserveResult.Repeated(existing, same ? ReserveOutcome.Existing : ReserveOutcome.DifferentRequest);
    }

    private ReserveResult ReserveNew(LockSession session, ReserveCommand command, DateTimeOffset now)
    {
        var key = command.Key;
        if (command is { HoldCap: { } cap, CappedUser: { } userId } && session.ActiveHolds(userId) >= cap)
        {
            outbox.ReservationFailed(key, ReservationFailureReasons.TooManyHolds,
                Unchecked(command.Lines), command.CorrelationId);
            Log.TooManyHolds(logger, key, userId, cap);
            return ReserveResult.TooManyHolds;
        }

        // A payment outcome that came first and is not applied yet; payments exist only for bookings that come by
        // message.
        var payment = command.ByMessage && session.Payment(key) is { AppliedAt: null } waiting ? waiting : null;
        var items = session.Items(command.Lines.Select(l => l.ItemId));
        var lines = Availability.Evaluate(command.Lines, items);
        var reservation = NewReservation(command, now);
        if (payment is { Result: PaymentResult.Failed } && lines.All(l => l.Reason != ShortfallReason.UnknownItem))
        {
            // Payment failed before the booking arrived: hold nothing, and say so.
            var reason = ReleaseReason.PaymentFailed;
            var released = ReservationTransitions.Decide(null, null, ReservationAction.Release, reason);
            Apply(session, reservation, released, reason, now);
            session.Add(reservation);
            payment.AppliedAt = now;
            return ReserveResult.Reserved(reservation, created: true);
        }

        if (lines.Any(l => !l.IsAvailable))
        {
            var rejected = ReserveResult.Rejected(lines);
            var reason = rejected.Outcome == ReserveOutcome.UnknownItems
                ? ReservationFailureReasons.UnknownItem
                : ReservationFailureReasons.InsufficientStock;
            // A refused booking consumes nothing: a waiting payment stays waiting for an attempt that succeeds.
            outbox.ReservationFailed(key, reason, lines, command.CorrelationId);
            Log.ReservationRejected(logger, key, lines.Count(l => !l.IsAvailable));
            return rejected;
        }

        Apply(session, reservation, ReservationTransitions.Decide(null, null, ReservationAction.Hold), null, now);
        session.Add(reservation);
        if (payment is { Result: PaymentResult.Succeeded })
        {
            var paid = ReservationTransitions.Decide(reservation.Status, null, ReservationAction.Pay);
            Apply(session, reservation, paid, null, now);
            payment.AppliedAt = now;
        }

        return ReserveResult.Reserved(reservation, created: true);
    }

    /// <summary>
    /// Applies a transition the state machine allowed: moves the stock it says (low-stock alerts where a threshold is
    /// crossed), the status, and writes the event that tells it.
    /// </summary>
    private void Apply(
        LockSession session, Reservation reservation, Transition transition, ReleaseReason? reason, DateTimeOffset now)
    {
        var from = reservation.Status;
        if (transition.Stock != StockMove.None)
        {
            var sign = transition.Stock == StockMove.Take ? 1 : -1;
            var items = session.Items(reservation.Lines.Select(l => l.ItemId));
            foreach (var line in reservation.Lines)
            {
                var item = items[line.ItemId];
                item.Reserved += sign * line.Quantity;
                item.UpdatedAt = now;
                outbox.LowStockIfCrossed(item, reservation.CorrelationId);
            }
        }

        if (transition.Stock == StockMove.GiveBack)
        {
            session.OnCommitted(() => metrics.Release(reason?.ToString() ?? ReleaseReasons.Manual));
        }

        reservation.MoveTo(transition, reason, now);
        switch (reservation.Status)
        {
            case ReservationStatus.Reserved:
                outbox.Reserved(reservation);
                Log.Reserved(logger, reservation.Key, reservation.Lines.Count, reservation.ExpiresAt);
                return;
            case ReservationStatus.Confirmed:
                outbox.Confirmed(reservation);
                break;
            default:
                outbox.Released(reservation);
                break;
        }

        Log.Transitioned(logger, reservation.Key, from, reservation.Status);
    }

    private Reservation NewReservation(ReserveCommand command, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        BookingId = command.BookingId,
        Key = command.Key,
        Origin = command.Origin,
        UserId = command.UserId,
        CreatedAt = now,
        ExpiresAt = now + (command.Hold ?? options.Value.DefaultHold),
        CorrelationId = command.CorrelationId,
        Lines = command.Lines.Select(l => new ReservationLine { ItemId = l.ItemId, Quantity = l.Quantity }).ToList(),
    };

    private static List<RequestedLine> Requested(Reservation reservation) =>
        reservation.Lines.Select(l => new RequestedLine(l.ItemId, l.Quantity)).ToList();

    private static IEnumerable<RequestedLine> InOrder(IEnumerable<RequestedLine> lines) =>
        lines.OrderBy(l => l.ItemId, StringComparer.Ordinal).ThenBy(l => l.Quantity);

    /// <summary>Lines as asked for, compared with nothing (the stock was not the reason).</summary>
    private static List<LineAvailability> Unchecked(IEnumerable<RequestedLine> lines) =>
        lines.Select(l => new LineAvailability(l.ItemId, l.Quantity, null, null)).ToList();

    /// <summary>The lines compared with the stock when one cannot be served again; null when all can.</summary>
    private static IReadOnlyList<LineAvailability>? Shortfall(LockSession session, Reservation reservation)
    {
        var items = session.Items(reservation.Lines.Select(l => l.ItemId));
        var lines = Availability.Evaluate(Requested(reservation), items);
        return lines.All(l => l.IsAvailable) ? null : lines;
    }
}
