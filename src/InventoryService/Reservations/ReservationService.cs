using BookingSystem.Contracts;
using BookingSystem.InventoryService.Data;
using BookingSystem.InventoryService.Messaging;
using BookingSystem.InventoryService.Observability;
using BookingSystem.InventoryService.Stock;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BookingSystem.InventoryService.Reservations;

/// <summary>
/// The reservation rules against PostgreSQL. Every operation is one transaction that locks the item rows it
/// changes with <c>SELECT ... FOR UPDATE</c> in item-id order (so multi-item bookings cannot deadlock each other),
/// and runs in a <see cref="UnitOfWork"/>: the consumed event in the inbox, the outgoing events in the outbox,
/// retried as a whole on transient errors.
/// </summary>
public sealed class ReservationService(
    InventoryDbContext db,
    UnitOfWork unitOfWork,
    Outbox outbox,
    InventoryMetrics metrics,
    TimeProvider time,
    IOptions<ReservationOptions> options,
    ILogger<ReservationService> logger)
{
    private const string BookingKeyIndex = "IX_reservations_booking_key";
    private const string PaymentOutcomeKey = "PK_payment_outcomes";

    /// <summary>The item columns a reservation changes; an item with only these changed is written set-wise.</summary>
    private static readonly HashSet<string> CounterColumns =
        [nameof(InventoryItem.Reserved), nameof(InventoryItem.UpdatedAt), nameof(InventoryItem.LowStockAlerted)];
    private readonly List<Reservation> _created = [];
    private LockedRows _locked = new();

    /// <param name="key">The reservation's key (<see cref="BookingKey"/>).</param>
    public Task<Reservation?> FindAsync(string key, CancellationToken cancellationToken) =>
        db.Reservations.AsNoTracking().Include(r => r.Lines).SingleOrDefaultAsync(r => r.Key == key, cancellationToken);

    /// <summary>
    /// Reserves all lines or nothing. A booking that already has a reservation gets it back unchanged. A payment
    /// outcome that arrived before the booking is applied at once.
    /// </summary>
    public Task<ReserveResult> ReserveAsync(ReserveCommand command, CancellationToken cancellationToken) =>
        InTransactionAsync(ct => ReserveCountedAsync(command, origin: null, ct), cancellationToken);

    /// <summary>
    /// Reserves for a batch of BookingCreated messages in one transaction: the bookings, their waiting payments and
    /// existing reservations, and every item they name are locked once each, in a fixed order, set-wise; then each
    /// booking is decided in arrival order against the locked counters, all lines or nothing, by the same rules as
    /// a single reserve; one commit. A second booking with the same id in the batch sees the first one's reservation.
    /// </summary>
    public Task<IReadOnlyList<ReserveOutcome>> ReserveAsync(IReadOnlyList<Consumed<ReserveCommand>> messages, CancellationToken cancellationToken) =>
        unitOfWork.ExecuteAsync(messages, ReserveOutcome.Duplicate,
            (fresh, ct) => PrepareAsync(
                fresh.Select(m => m.Command.Key), fresh.SelectMany(m => m.Command.Lines).Select(l => l.ItemId), (_, _) => false, ct),
            async (message, ct) => (await ReserveCountedAsync(message.Command, message.Origin, ct)).Outcome,
            cancellationToken, IsRace);

    private async Task<ReserveResult> ReserveCountedAsync(ReserveCommand command, MessageOrigin? origin, CancellationToken ct)
    {
        var result = await ReserveLockedAsync(command, origin, ct);
        unitOfWork.OnCommitted(() => metrics.Reservation(result.Outcome.ToString()));
        return result;
    }

    private async Task<ReserveResult> ReserveLockedAsync(ReserveCommand command, MessageOrigin? origin, CancellationToken ct)
    {
        var key = command.Key;
        await LockBookingAsync(key, ct);
        var existing = await LockReservationAsync(key, ct);
        if (existing is not null)
        {
            if (origin is not null && existing.Status is ReservationStatus.Expired or ReservationStatus.Released)
            {
                // A new BookingCreated for a booking that has ended: say that nothing is held (a repeat of an active
                // one changes nothing and needs no answer: its InventoryReserved went out already).
                var reason = existing.Status == ReservationStatus.Expired
                    ? ReservationFailureReasons.AlreadyExpired
                    : ReservationFailureReasons.AlreadyReleased;
                outbox.ReservationFailed(key, reason, AsRequested(existing), command.CorrelationId, origin.EventId);
            }

            return ReserveResult.Reserved(existing, created: false);
        }

        if (command is { HoldCap: { } cap, UserId: { } userId } && !await WithinHoldCapAsync(userId, cap, ct))
        {
            outbox.ReservationFailed(key, ReservationFailureReasons.TooManyHolds,
                command.Lines.Select(l => new LineAvailability(l.ItemId, l.Quantity, null, null)), command.CorrelationId, origin?.EventId);
            Log.TooManyHolds(logger, key, userId, cap);
            return ReserveResult.TooManyHolds;
        }

        var now = time.GetUtcNow();
        // A payment outcome that came first and is not applied yet; payments exist only for bookings that come by message.
        var payment = command.Origin == ReservationOrigin.Message && await LockPaymentOutcomeAsync(key, ct) is { AppliedAt: null } pending
            ? pending
            : null;
        var items = await LockItemsAsync(command.Lines.Select(l => l.ItemId), ct);
        var lines = Availability.Evaluate(command.Lines, items);
        var reservation = NewReservation(command, now);
        if (payment is { Result: PaymentResult.Failed } && lines.All(l => l.Reason != ShortfallReason.UnknownItem))
        {
            // Payment failed before the booking arrived: hold nothing, and say so.
            reservation.Status = ReservationStatus.Released;
            reservation.ReleasedAt = now;
            reservation.ReleaseReason = ReleaseReason.PaymentFailed;
            payment.AppliedAt = now;
            AddReservation(reservation);
            outbox.Released(reservation, origin?.EventId);
            Log.Transitioned(logger, key, ReservationStatus.Reserved, ReservationStatus.Released);
            return ReserveResult.Reserved(reservation, created: true);
        }

        if (lines.Any(l => !l.IsAvailable))
        {
            var rejected = ReserveResult.Rejected(lines);
            var reason = rejected.Outcome == ReserveOutcome.UnknownItems ? ReservationFailureReasons.UnknownItem : ReservationFailureReasons.InsufficientStock;
            // A refused booking consumes nothing: a waiting payment stays waiting for an attempt that succeeds.
            outbox.ReservationFailed(key, reason, lines, command.CorrelationId, origin?.EventId);
            Log.ReservationRejected(logger, key, lines.Count(l => !l.IsAvailable));
            return rejected;
        }

        TakeStock(reservation, items, now, origin);
        AddReservation(reservation);
        outbox.Reserved(reservation, origin?.EventId);
        if (payment is { Result: PaymentResult.Succeeded })
        {
            Apply(reservation, ReservationAction.Confirm, reason: null, items, now, origin);
            payment.AppliedAt = now;
        }

        Log.Reserved(logger, key, reservation.Lines.Count, reservation.ExpiresAt);
        return ReserveResult.Reserved(reservation, created: true);
    }

    /// <param name="key">The reservation's key (<see cref="BookingKey"/>).</param>
    public Task<TransitionResult> ConfirmAsync(string key, CancellationToken cancellationToken) =>
        TransitionAsync(key, ReservationAction.Confirm, reason: null, cancellationToken);

    /// <param name="key">The reservation's key (<see cref="BookingKey"/>).</param>
    public Task<TransitionResult> ReleaseAsync(string key, ReleaseReason reason, CancellationToken cancellationToken) =>
        TransitionAsync(key, ReservationAction.Release, reason, cancellationToken);

    /// <summary>
    /// Applies a payment outcome from the payment service to the booking that came by message with that id (an
    /// HTTP reservation's key is never a booking id, so a payment cannot reach one). Success confirms the hold (or,
    /// after expiry, takes the stock again if it can, else publishes a <see cref="ReservationFailureReasons.HoldExpired"/>
    /// failure so the booking side refunds); failure releases it. Only the first outcome per booking counts. A batch of
    /// payment messages is one transaction, prepared set-wise like a batch of bookings.
    /// </summary>
    public Task<IReadOnlyList<PaymentHandling>> ApplyPaymentsAsync(IReadOnlyList<Consumed<PaymentCommand>> messages, CancellationToken cancellationToken) =>
        unitOfWork.ExecuteAsync(messages, PaymentHandling.Duplicate,
            (fresh, ct) =>
            {
                var results = fresh.ToLookup(m => m.Command.BookingId, m => m.Command.Result, StringComparer.Ordinal);
                return PrepareAsync(fresh.Select(m => m.Command.BookingId), [], (key, reservation) => MayMoveStock(results[key], reservation), ct);
            },
            (message, ct) => ApplyPaymentLockedAsync(message.Command, message.Origin, ct),
            cancellationToken, IsRace);

    private async Task<PaymentHandling> ApplyPaymentLockedAsync(PaymentCommand command, MessageOrigin origin, CancellationToken ct)
    {
        var (bookingId, result) = (command.BookingId, command.Result);
        await LockBookingAsync(bookingId, ct);
        var now = time.GetUtcNow();
        var earlier = await LockPaymentOutcomeAsync(bookingId, ct);
        if (earlier is not null)
        {
            return await ApplyLaterPaymentAsync(earlier, result, now, origin, ct);
        }

        var payment = new PaymentOutcome
        {
            BookingId = bookingId, Result = result, EventId = origin.EventId, CorrelationId = origin.CorrelationId, ReceivedAt = now,
        };
        db.PaymentOutcomes.Add(payment);
        _locked.Payments[bookingId] = payment;
        var reservation = await LockReservationAsync(bookingId, ct);
        if (reservation is null)
        {
            Log.PaymentOutcomeRemembered(logger, bookingId, result);
            return PaymentHandling.Remembered;
        }

        // Applied means "decided against the booking", whatever the answer: it no longer waits for one.
        payment.AppliedAt = now;
        return await ApplyToReservationAsync(reservation, result, now, origin, ct);
    }

    /// <summary>
    /// Expires up to <paramref name="batchSize"/> holds whose deadline has passed. Rows another instance is
    /// working on are skipped (<c>SKIP LOCKED</c>), so several sweepers can run at once. Returns how many expired.
    /// </summary>
    public Task<int> ExpireDueAsync(int batchSize, CancellationToken cancellationToken) =>
        InTransactionAsync(async ct =>
        {
            var now = time.GetUtcNow();
            var due = await db.Reservations
                .FromSql($"""
                    SELECT *, xmin FROM reservations
                    WHERE status = 'Reserved' AND expires_at <= {now}
                    ORDER BY expires_at
                    LIMIT {batchSize}
                    FOR UPDATE SKIP LOCKED
                    """)
                .ToListAsync(ct);
            if (due.Count == 0)
            {
                return 0;
            }

            var ids = due.Select(r => r.Id).ToList();
            await db.ReservationLines.Where(l => ids.Contains(l.ReservationId)).LoadAsync(ct);
            var items = await LockItemsAsync(due.SelectMany(r => r.Lines).Select(l => l.ItemId), ct);
            foreach (var reservation in due)
            {
                // The sweeper's part of this booking's story: its log events carry the booking's correlation id.
                using var scope = logger.BeginScope(new Dictionary<string, object>
                {
                    [LogProperties.CorrelationId] = reservation.CorrelationId,
                    [LogProperties.BookingId] = reservation.Key,
                });
                Apply(reservation, ReservationAction.Expire, ReleaseReason.Expired, items, now, origin: null);
                Log.Transitioned(logger, reservation.Key, ReservationStatus.Reserved, reservation.Status);
            }

            return due.Count;
        }, cancellationToken);

    private Task<TransitionResult> TransitionAsync(string key, ReservationAction action, ReleaseReason? reason, CancellationToken cancellationToken) =>
        InTransactionAsync(async ct =>
        {
            await LockBookingAsync(key, ct);
            var reservation = await LockReservationAsync(key, ct);
            return reservation is null
                ? new TransitionResult(TransitionOutcome.NotFound, null)
                : await TransitionLockedAsync(reservation, action, reason, origin: null, ct);
        }, cancellationToken);

    private async Task<TransitionResult> TransitionLockedAsync(
        Reservation reservation, ReservationAction action, ReleaseReason? reason, MessageOrigin? origin, CancellationToken ct)
    {
        var from = reservation.Status;
        switch (ReservationTransitions.Decide(from, action, reason))
        {
            case TransitionDecision.AlreadyDone:
                Log.TransitionRepeated(logger, reservation.Key, from, action);
                return new TransitionResult(TransitionOutcome.AlreadyDone, reservation);
            case TransitionDecision.Refused:
                Log.TransitionRefused(logger, reservation.Key, from, action);
                return new TransitionResult(TransitionOutcome.Refused, reservation, ReservationTransitions.Explain(from, action, reason));
        }

        var items = ReservationTransitions.HoldsStock(ReservationTransitions.Target(action))
            ? []
            : await LockItemsAsync(reservation.Lines.Select(l => l.ItemId), ct);
        Apply(reservation, action, reason, items, time.GetUtcNow(), origin);
        Log.Transitioned(logger, reservation.Key, from, reservation.Status);
        return new TransitionResult(TransitionOutcome.Applied, reservation);
    }

    /// <summary>Payment arrived after the hold ended: take the stock again if it is there, else tell the booking side.</summary>
    private async Task RetakeAfterPaymentAsync(
        Reservation reservation, string failureReason, DateTimeOffset now, MessageOrigin origin, CancellationToken ct)
    {
        var requested = reservation.Lines.Select(l => new RequestedLine(l.ItemId, l.Quantity)).ToList();
        var items = await LockItemsAsync(requested.Select(l => l.ItemId), ct);
        var lines = Availability.Evaluate(requested, items);
        if (lines.Any(l => !l.IsAvailable))
        {
            outbox.ReservationFailed(reservation.Key, failureReason, lines, reservation.CorrelationId, origin.EventId);
            Log.RetakeFailed(logger, reservation.Key, reservation.Status);
            return;
        }

        var from = reservation.Status;
        TakeStock(reservation, items, now, origin);
        reservation.ReleasedAt = null;
        reservation.ReleaseReason = null;
        reservation.Status = ReservationStatus.Confirmed;
        reservation.ConfirmedAt = now;
        outbox.Confirmed(reservation, origin.EventId);
        Log.Transitioned(logger, reservation.Key, from, reservation.Status);
    }

    /// <summary>
    /// A payment outcome for a booking that already had one. The same result again is a repeat: nothing happens. A
    /// different one is answered with something the payment side can act on: success after a failure (a successful
    /// retry) takes the released stock again if it is there (InventoryConfirmed) or asks for a refund
    /// (<see cref="ReservationFailureReasons.Released"/>); a failure after a success leaves the confirmed booking as
    /// it is and confirms it again, so the payment side knows the stock is sold and paid.
    /// </summary>
    private async Task<PaymentHandling> ApplyLaterPaymentAsync(
        PaymentOutcome earlier, PaymentResult result, DateTimeOffset now, MessageOrigin origin, CancellationToken ct)
    {
        if (earlier.Result == result)
        {
            Log.PaymentOutcomeIgnored(logger, earlier.BookingId, result, earlier.Result, earlier.EventId);
            return PaymentHandling.Ignored;
        }

        var reservation = await LockReservationAsync(earlier.BookingId, ct);
        if (reservation is null)
        {
            // Both outcomes came before the booking: the success wins, since the money was taken.
            if (result == PaymentResult.Failed)
            {
                Log.PaymentOutcomeIgnored(logger, earlier.BookingId, result, earlier.Result, earlier.EventId);
                return PaymentHandling.Ignored;
            }

            Replace(earlier, result, now, origin);
            return PaymentHandling.Remembered;
        }

        var handling = await ApplyToReservationAsync(reservation, result, now, origin, ct);
        if (handling == PaymentHandling.Applied && result == PaymentResult.Succeeded)
        {
            Replace(earlier, result, now, origin);
        }

        earlier.AppliedAt ??= now;
        return handling;
    }

    /// <summary>
    /// What a payment outcome does to the booking's reservation. Success confirms a hold; after expiry, or after a
    /// failed payment released it (a successful retry), it takes the stock again if it is there (else asks for a
    /// refund: <see cref="ReservationFailureReasons.HoldExpired"/> / <see cref="ReservationFailureReasons.Released"/>);
    /// after a cancellation it asks for a refund. Failure releases a hold; after a confirmation the confirmation
    /// stands and is published again, so the payment side knows the stock is sold and paid.
    /// </summary>
    private async Task<PaymentHandling> ApplyToReservationAsync(
        Reservation reservation, PaymentResult result, DateTimeOffset now, MessageOrigin origin, CancellationToken ct)
    {
        switch (result, reservation.Status)
        {
            case (PaymentResult.Succeeded, ReservationStatus.Expired):
                await RetakeAfterPaymentAsync(reservation, ReservationFailureReasons.HoldExpired, now, origin, ct);
                return PaymentHandling.Applied;
            case (PaymentResult.Succeeded, ReservationStatus.Released) when reservation.ReleaseReason == ReleaseReason.PaymentFailed:
                await RetakeAfterPaymentAsync(reservation, ReservationFailureReasons.Released, now, origin, ct);
                return PaymentHandling.Applied;
            case (PaymentResult.Succeeded, ReservationStatus.Released):
                // Cancelled (or released) before the money came: nothing is held and nothing is taken again.
                outbox.ReservationFailed(reservation.Key, ReservationFailureReasons.Released, AsRequested(reservation),
                    reservation.CorrelationId, origin.EventId);
                Log.PaymentAfterRelease(logger, reservation.Key);
                return PaymentHandling.Applied;
            case (PaymentResult.Failed, ReservationStatus.Confirmed):
                outbox.Confirmed(reservation, origin.EventId);
                Log.PaymentOutcomeIgnored(logger, reservation.Key, result, PaymentResult.Succeeded, origin.EventId);
                return PaymentHandling.Applied;
        }

        var action = result == PaymentResult.Succeeded ? ReservationAction.Confirm : ReservationAction.Release;
        var transition = await TransitionLockedAsync(reservation, action, action == ReservationAction.Release ? ReleaseReason.PaymentFailed : null, origin, ct);
        return transition.Outcome == TransitionOutcome.Applied ? PaymentHandling.Applied : PaymentHandling.Ignored;
    }

    private void Replace(PaymentOutcome earlier, PaymentResult result, DateTimeOffset now, MessageOrigin origin)
    {
        Log.PaymentOutcomeReplaced(logger, earlier.BookingId, earlier.Result, result);
        earlier.Result = result;
        earlier.EventId = origin.EventId;
        earlier.CorrelationId = origin.CorrelationId;
        earlier.ReceivedAt = now; // its wait for the booking starts now
    }

    /// <summary>
    /// Forgets up to <paramref name="batchSize"/> payment outcomes that waited longer than
    /// <see cref="ReservationOptions.PaymentRetention"/> for their booking; a successful one is answered with
    /// <see cref="ReservationFailureReasons.BookingNeverArrived"/> so the payment side refunds. Returns how many.
    /// </summary>
    public Task<int> ExpireWaitingPaymentsAsync(int batchSize, CancellationToken cancellationToken) =>
        InTransactionAsync(async ct =>
        {
            var cutoff = time.GetUtcNow() - options.Value.PaymentRetention;
            var stale = await db.PaymentOutcomes
                .FromSql($"""
                    SELECT * FROM payment_outcomes
                    WHERE applied_at IS NULL AND received_at <= {cutoff}
                      AND NOT EXISTS (SELECT 1 FROM reservations r WHERE r.booking_key = payment_outcomes.booking_id)
                    ORDER BY received_at
                    LIMIT {batchSize}
                    FOR UPDATE SKIP LOCKED
                    """)
                .ToListAsync(ct);
            foreach (var payment in stale)
            {
                using var scope = logger.BeginScope(new Dictionary<string, object>
                {
                    [LogProperties.CorrelationId] = payment.CorrelationId,
                    [LogProperties.BookingId] = payment.BookingId,
                });
                if (payment.Result == PaymentResult.Succeeded)
                {
                    outbox.ReservationFailed(payment.BookingId, ReservationFailureReasons.BookingNeverArrived, [], payment.CorrelationId, payment.EventId);
                }

                Log.PaymentForgotten(logger, payment.BookingId, payment.Result, payment.ReceivedAt);
                db.PaymentOutcomes.Remove(payment);
            }

            return stale.Count;
        }, cancellationToken);

    private static IEnumerable<LineAvailability> AsRequested(Reservation reservation) =>
        reservation.Lines.Select(l => new LineAvailability(l.ItemId, l.Quantity, null, null));

    /// <summary>Moves a locked reservation to the action's target status, gives its stock back when it stops holding, and records the event.</summary>
    private void Apply(
        Reservation reservation, ReservationAction action, ReleaseReason? reason,
        IReadOnlyDictionary<string, InventoryItem> lockedItems, DateTimeOffset now, MessageOrigin? origin)
    {
        var target = ReservationTransitions.Target(action);
        if (ReservationTransitions.HoldsStock(reservation.Status) && !ReservationTransitions.HoldsStock(target))
        {
            foreach (var line in reservation.Lines)
            {
                ChangeReserved(lockedItems[line.ItemId], -line.Quantity, now, reservation.CorrelationId, origin);
            }

            reservation.ReleasedAt = now;
            reservation.ReleaseReason = reason;
            unitOfWork.OnCommitted(() => metrics.Release(reason?.ToString() ?? ReleaseReasons.Manual));
        }

        reservation.Status = target;
        if (target == ReservationStatus.Confirmed)
        {
            reservation.ConfirmedAt = now;
            outbox.Confirmed(reservation, origin?.EventId);
        }
        else
        {
            outbox.Released(reservation, origin?.EventId);
        }
    }

    private void TakeStock(Reservation reservation, IReadOnlyDictionary<string, InventoryItem> lockedItems, DateTimeOffset now, MessageOrigin? origin)
    {
        foreach (var line in reservation.Lines)
        {
            ChangeReserved(lockedItems[line.ItemId], line.Quantity, now, reservation.CorrelationId, origin);
        }
    }

    private void ChangeReserved(InventoryItem item, int delta, DateTimeOffset now, string correlationId, MessageOrigin? origin)
    {
        item.Reserved += delta;
        item.UpdatedAt = now;
        outbox.LowStockIfCrossed(item, correlationId, origin?.EventId);
    }

    private Reservation NewReservation(ReserveCommand command, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        BookingId = command.BookingId,
        Key = command.Key,
        Origin = command.Origin,
        UserId = command.UserId,
        Status = ReservationStatus.Reserved,
        CreatedAt = now,
        ExpiresAt = now + (command.Hold ?? options.Value.DefaultHold),
        CorrelationId = command.CorrelationId,
        Lines = command.Lines.Select(l => new ReservationLine { ItemId = l.ItemId, Quantity = l.Quantity }).ToList(),
    };

    /// <summary>
    /// Runs <paramref name="work"/> as one unit of work with nothing locked yet. The same booking raced by another
    /// transaction with other items (the same items would have waited on our row locks) is run again, and finds the
    /// winner's reservation.
    /// </summary>
    private Task<T> InTransactionAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        unitOfWork.ExecuteAsync(ct =>
        {
            BeginAttempt();
            return work(ct);
        }, cancellationToken, IsRace);

    private static bool IsRace(Exception e) =>
        DatabaseRetry.IsUniqueViolation(e, BookingKeyIndex) || DatabaseRetry.IsUniqueViolation(e, PaymentOutcomeKey);

    /// <summary>
    /// Locks, once each and set-wise, what a batch of messages about <paramref name="keys"/> decides on, in the order
    /// every transaction takes them (bookings by lock key, payment rows, reservation rows, items by id): the
    /// bookings; their payment outcomes; their reservations with the lines; the items named and those of the lines.
    /// The rules then find them in <see cref="_locked"/> and query nothing more.
    /// </summary>
    /// <param name="linesMatter">
    /// Whether the items of an existing reservation's lines are locked too: only when the batch may move its stock
    /// (locking items a message does not change would make consumers of other queues wait for nothing).
    /// </param>
    private async Task PrepareAsync(
        IEnumerable<string> keys, IEnumerable<string> itemIds, Func<string, Reservation, bool> linesMatter, CancellationToken ct)
    {
        BeginAttempt();
        var bookings = keys.Distinct(StringComparer.Ordinal).ToArray();
        if (bookings.Length == 0)
        {
            return;
        }

        await db.Database.ExecuteSqlAsync($"""
            SELECT pg_advisory_xact_lock(k.lock_key)
            FROM (SELECT DISTINCT hashtextextended(b, 0) AS lock_key FROM unnest({bookings}) AS b ORDER BY 1) AS k
            """, ct);
        _locked.Bookings.UnionWith(bookings);
        var payments = await db.PaymentOutcomes
            .FromSql($"SELECT * FROM payment_outcomes WHERE booking_id = ANY({bookings}) ORDER BY booking_id FOR UPDATE")
            .ToDictionaryAsync(p => p.BookingId, StringComparer.Ordinal, ct);
        var reservations = await db.Reservations
            .FromSql($"SELECT *, xmin FROM reservations WHERE booking_key = ANY({bookings}) ORDER BY booking_key FOR UPDATE")
            .ToDictionaryAsync(r => r.Key, StringComparer.Ordinal, ct);
        if (reservations.Count > 0)
        {
            var ids = reservations.Values.Select(r => r.Id).ToList();
            await db.ReservationLines.Where(l => ids.Contains(l.ReservationId)).LoadAsync(ct);
        }

        foreach (var booking in bookings)
        {
            _locked.Payments[booking] = payments.GetValueOrDefault(booking);
            _locked.Reservations[booking] = reservations.GetValueOrDefault(booking);
        }

        await LockItemsAsync(itemIds.Concat(reservations.Where(r => linesMatter(r.Key, r.Value)).SelectMany(r => r.Value.Lines).Select(l => l.ItemId)), ct);
    }

    /// <summary>
    /// Whether payment outcomes can change the stock a reservation holds: a failure releases a hold; a success takes
    /// the stock again after expiry or release. A success on a hold (confirm) or anything on a confirmed one does not.
    /// </summary>
    private static bool MayMoveStock(IEnumerable<PaymentResult> results, Reservation reservation) => reservation.Status switch
    {
        ReservationStatus.Reserved => results.Contains(PaymentResult.Failed),
        ReservationStatus.Expired or ReservationStatus.Released => results.Contains(PaymentResult.Succeeded),
        _ => false,
    };

    /// <summary>Nothing locked or created yet (an attempt that is run again starts here too).</summary>
    private void BeginAttempt()
    {
        _locked = new LockedRows();
        _created.Clear();
        unitOfWork.BeforeSave(WriteSetWiseAsync);
    }

    /// <summary>A new reservation: written with the others of the transaction at the end (<see cref="WriteSetWiseAsync"/>).</summary>
    private void AddReservation(Reservation reservation)
    {
        _created.Add(reservation);
        _locked.Reservations[reservation.Key] = reservation;
    }

    /// <summary>
    /// What a batch changes most, in three statements instead of one per row: the new reservations and their lines
    /// (multi-row inserts, in their final state) and the counters of the items they changed (one update; the rows are
    /// locked, so no version check is needed). Other changes (payments, transitions of existing reservations) are
    /// saved by the change tracker.
    /// </summary>
    private async Task WriteSetWiseAsync(CancellationToken ct)
    {
        if (_created.Count > 0)
        {
            var r = _created;
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO reservations (id, booking_id, booking_key, origin, user_id, status, created_at, expires_at, confirmed_at,
                                          released_at, release_reason, correlation_id)
                SELECT * FROM unnest({r.Select(x => x.Id).ToArray()}, {r.Select(x => x.BookingId).ToArray()}, {r.Select(x => x.Key).ToArray()},
                    {r.Select(x => x.Origin.ToString()).ToArray()}, {r.Select(x => x.UserId).ToArray()}, {r.Select(x => x.Status.ToString()).ToArray()},
                    {r.Select(x => x.CreatedAt).ToArray()}, {r.Select(x => x.ExpiresAt).ToArray()}, {r.Select(x => x.ConfirmedAt).ToArray()},
                    {r.Select(x => x.ReleasedAt).ToArray()}, {r.Select(x => x.ReleaseReason?.ToString()).ToArray()}, {r.Select(x => x.CorrelationId).ToArray()})
                """, ct);

            var lines = r.SelectMany(x => x.Lines, (x, l) => (x.Id, l.ItemId, l.Quantity)).ToList();
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO reservation_lines (reservation_id, item_id, quantity)
                SELECT * FROM unnest({lines.Select(l => l.Id).ToArray()}, {lines.Select(l => l.ItemId).ToArray()}, {lines.Select(l => l.Quantity).ToArray()})
                """, ct);
            _created.Clear();
        }

        var counters = db.ChangeTracker.Entries<InventoryItem>()
            .Where(e => e.State == EntityState.Modified && e.Properties.Where(p => p.IsModified).All(p => CounterColumns.Contains(p.Metadata.Name)))
            .ToList();
        if (counters.Count == 0)
        {
            return;
        }

        var items = counters.Select(e => e.Entity).ToList();
        await db.Database.ExecuteSqlAsync($"""
            UPDATE inventory_items AS i SET reserved = u.reserved, updated_at = u.updated_at, low_stock_alerted = u.low_stock_alerted
            FROM unnest({items.Select(i => i.Id).ToArray()}, {items.Select(i => i.Reserved).ToArray()}, {items.Select(i => i.UpdatedAt).ToArray()},
                        {items.Select(i => i.LowStockAlerted).ToArray()}) AS u(id, reserved, updated_at, low_stock_alerted)
            WHERE i.id = u.id
            """, ct);
        foreach (var entry in counters)
        {
            entry.State = EntityState.Unchanged;
        }
    }

    /// <summary>
    /// Serializes everything that decides about one booking (reserve, payment, transitions) for the rest of the
    /// transaction. Row locks alone cannot: a booking's reservation or payment row may not exist yet, and a
    /// BookingCreated and a payment handled at the same instant would each miss the other's uncommitted row.
    /// Taken before any row lock, so the lock order stays booking, payment row, reservation row, items.
    /// </summary>
    private async Task LockBookingAsync(string key, CancellationToken ct)
    {
        if (_locked.Bookings.Add(key))
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({key}, 0))", ct);
        }
    }

    /// <summary>
    /// Whether the user may take one more hold. The user's own lock (taken after the booking's, in every reserve)
    /// makes the count exact when one user's reserves run at the same time.
    /// </summary>
    private async Task<bool> WithinHoldCapAsync(string userId, int cap, CancellationToken ct)
    {
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({"user/" + userId}, 1))", ct);
        var holds = await db.Reservations.CountAsync(
            r => r.UserId == userId && r.Origin == ReservationOrigin.Http && r.Status == ReservationStatus.Reserved, ct);
        return holds < cap;
    }

    private async Task<Reservation?> LockReservationAsync(string key, CancellationToken ct)
    {
        if (_locked.Reservations.TryGetValue(key, out var locked))
        {
            return locked;
        }

        var reservation = await db.Reservations
            .FromSql($"SELECT *, xmin FROM reservations WHERE booking_key = {key} FOR UPDATE")
            .SingleOrDefaultAsync(ct);
        if (reservation is not null)
        {
            await db.Entry(reservation).Collection(r => r.Lines).LoadAsync(ct);
        }

        return _locked.Reservations[key] = reservation;
    }

    private async Task<PaymentOutcome?> LockPaymentOutcomeAsync(string bookingId, CancellationToken ct)
    {
        if (_locked.Payments.TryGetValue(bookingId, out var locked))
        {
            return locked;
        }

        return _locked.Payments[bookingId] = await db.PaymentOutcomes
            .FromSql($"SELECT * FROM payment_outcomes WHERE booking_id = {bookingId} FOR UPDATE")
            .SingleOrDefaultAsync(ct);
    }

    /// <summary>
    /// Locks the named items in item-id order and returns them by item id (unknown ids are simply absent). Items this
    /// transaction locked before are not queried again: a batch shares one row, and its counters, per item.
    /// </summary>
    private async Task<Dictionary<string, InventoryItem>> LockItemsAsync(IEnumerable<string> itemIds, CancellationToken ct)
    {
        var ids = itemIds.Distinct(StringComparer.Ordinal).ToArray();
        var missing = ids.Where(id => !_locked.Items.ContainsKey(id)).ToArray();
        if (missing.Length > 0)
        {
            var found = await db.Items
                .FromSql($"SELECT *, xmin FROM inventory_items WHERE item_id = ANY({missing}) ORDER BY item_id FOR UPDATE")
                .ToDictionaryAsync(i => i.ItemId, StringComparer.Ordinal, ct);
            foreach (var id in missing)
            {
                _locked.Items[id] = found.GetValueOrDefault(id);
            }
        }

        return ids.Where(id => _locked.Items[id] is not null).ToDictionary(id => id, id => _locked.Items[id]!, StringComparer.Ordinal);
    }

    /// <summary>The rows the current transaction holds locks on, by key; a null value: looked up and absent.</summary>
    private sealed class LockedRows
    {
        public HashSet<string> Bookings { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, PaymentOutcome?> Payments { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, Reservation?> Reservations { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, InventoryItem?> Items { get; } = new(StringComparer.Ordinal);
    }
}
