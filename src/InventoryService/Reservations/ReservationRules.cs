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
        DateTimeOffset now) =>
        Carry(session, reservation, Decide(reservation, action, reason), action, reason, now);

    private static Transition Decide(Reservation reservation, ReservationAction action, ReleaseReason? reason) =>
        ReservationTransitions.Decide(reservation.Status, reservation.ReleaseReason, action, reason);

    /// <summary>
    /// <see cref="Transition"/> with the state machine's decision already taken (by a caller that answers some
    /// refusals itself: <see cref="PaymentRules"/>).
    /// </summary>
    public TransitionResult Carry(
        LockSession session, Reservation reservation, Transition transition, ReservationAction action,
        ReleaseReason? reason, DateTimeOffset now)
    {
        var from = reservation.Status;
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

    /// <summary>A stored line as the line it was asked as.</summary>
    public static RequestedLine AsRequested(ReservationLine line) =>
        new(line.ItemId, line.Quantity,
            line is { CheckIn: { } checkIn, CheckOut: { } checkOut } ? new Stay(checkIn, checkOut) : null);

    /// <summary>A reservation's lines in the one order of lines (<see cref="RequestedLines.InOrder"/>).</summary>
    public static IEnumerable<ReservationLine> InOrder(IEnumerable<ReservationLine> lines) =>
        lines.OrderBy(l => l.ItemId, StringComparer.Ordinal).ThenBy(l => l.CheckIn).ThenBy(l => l.CheckOut)
            .ThenBy(l => l.Quantity);

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

        var same = RequestedLines.InOrder(Requested(existing)).SequenceEqual(RequestedLines.InOrder(command.Lines));
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
        var lines = Availability.Evaluate(command.Lines, items, session.Night);
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
            // A refused booking consumes nothing: a waiting payment stays waiting for an attempt that succeeds.
            outbox.ReservationFailed(key, Availability.FailureReason(lines), lines, command.CorrelationId);
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
        var nights = NightMove.Of(transition);
        // Only the stock a transition moves was locked: a pool line's item when the count moves, a nightly line's
        // nights when a counter of theirs does.
        var moved = reservation.Lines
            .Where(l => l.IsNightly ? nights != NightMove.None : transition.Stock != StockMove.None);
        foreach (var line in moved)
        {
            var item = session.Items([line.ItemId])[line.ItemId];
            if (line.IsNightly)
            {
                MoveNights(session, item, line, nights, reservation.CorrelationId, now);
                continue;
            }

            item.Reserved += (transition.Stock == StockMove.Take ? 1 : -1) * line.Quantity;
            item.UpdatedAt = now;
            outbox.LowStockIfCrossed(item, reservation.CorrelationId);
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

    /// <summary>
    /// Moves a nightly line's quantity on each night of its stay (<see cref="NightMove"/>). A line that takes its
    /// nights records the ones it holds beyond capacity, within the allowance.
    /// </summary>
    private void MoveNights(
        LockSession session, InventoryItem item, ReservationLine line, NightMove move, string correlationId,
        DateTimeOffset now)
    {
        var overbooked = new List<DateOnly>();
        foreach (var date in line.Nights())
        {
            var night = session.Night(line.ItemId, date)
                ?? throw new InvalidOperationException($"Night {date:yyyy-MM-dd} of {line.ItemId} is not on sale.");
            var (held, confirmed) = move.Deltas;
            night.Held += held * line.Quantity;
            night.Confirmed += confirmed * line.Quantity;
            night.UpdatedAt = now;
            outbox.LowStockIfCrossed(item, night, correlationId);
            if (night.Overbooked)
            {
                overbooked.Add(date);
            }
        }

        if (move.Takes)
        {
            line.OverbookedNights = overbooked.Count > 0 ? [.. overbooked] : null;
        }
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
        Lines = [.. command.Lines.Select(l => new ReservationLine
        {
            ItemId = l.ItemId, Quantity = l.Quantity, CheckIn = l.Stay?.CheckIn, CheckOut = l.Stay?.CheckOut,
        })],
    };

    private static List<RequestedLine> Requested(Reservation reservation) =>
        [.. reservation.Lines.Select(AsRequested)];

    /// <summary>Lines as asked for, compared with nothing (the stock was not the reason).</summary>
    private static List<LineAvailability> Unchecked(IEnumerable<RequestedLine> lines) =>
        [.. lines.Select(l => new LineAvailability(l.ItemId, l.Quantity, null, null, l.Stay))];

    /// <summary>The lines compared with the stock when one cannot be served again; null when all can.</summary>
    private static IReadOnlyList<LineAvailability>? Shortfall(LockSession session, Reservation reservation)
    {
        var items = session.Items(reservation.Lines.Select(l => l.ItemId));
        var lines = Availability.Evaluate(Requested(reservation), items, session.Night);
        return lines.All(l => l.IsAvailable) ? null : lines;
    }
}
