using BookingSystem.InventoryService.Data;
using BookingSystem.InventoryService.Stock;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BookingSystem.InventoryService.Reservations;

/// <summary>
/// The reservation rules against PostgreSQL. Every operation is one transaction that locks the item rows it
/// changes with <c>SELECT ... FOR UPDATE</c> in item-id order (so multi-item bookings cannot deadlock each other)
/// and is retried as a whole on transient errors.
/// </summary>
public sealed class ReservationService(
    InventoryDbContext db,
    DatabaseRetry retry,
    TimeProvider time,
    IOptions<ReservationOptions> options,
    ILogger<ReservationService> logger)
{
    private const string BookingIdIndex = "IX_reservations_booking_id";

    public Task<Reservation?> FindAsync(string bookingId, CancellationToken cancellationToken) =>
        db.Reservations.AsNoTracking().Include(r => r.Lines).SingleOrDefaultAsync(r => r.BookingId == bookingId, cancellationToken);

    public async Task<ReserveResult> ReserveAsync(ReserveCommand command, CancellationToken cancellationToken) =>
        await retry.ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            var existing = await FindAsync(command.BookingId, ct);
            if (existing is not null)
            {
                return ReserveResult.Reserved(existing, created: false);
            }

            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var items = await LockItemsAsync(command.Lines.Select(l => l.ItemId), ct);
            var lines = Availability.Evaluate(command.Lines, items);
            if (lines.Any(l => !l.IsAvailable))
            {
                Log.ReservationRejected(logger, command.BookingId, lines.Count(l => !l.IsAvailable));
                return ReserveResult.Rejected(lines);
            }

            var now = time.GetUtcNow();
            foreach (var line in command.Lines)
            {
                var item = items[line.ItemId];
                item.Reserved += line.Quantity;
                item.UpdatedAt = now;
            }

            var reservation = new Reservation
            {
                Id = Guid.CreateVersion7(now),
                BookingId = command.BookingId,
                UserId = command.UserId,
                Status = ReservationStatus.Reserved,
                CreatedAt = now,
                ExpiresAt = now + (command.Hold ?? options.Value.DefaultHold),
                CorrelationId = command.CorrelationId,
                Lines = command.Lines.Select(l => new ReservationLine { ItemId = l.ItemId, Quantity = l.Quantity }).ToList(),
            };
            db.Reservations.Add(reservation);
            try
            {
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
            }
            catch (DbUpdateException e) when (DatabaseRetry.IsUniqueViolation(e, BookingIdIndex))
            {
                // The same booking raced us with other items (same items would have waited on our row locks).
                await transaction.RollbackAsync(ct);
                db.ChangeTracker.Clear();
                var winner = await FindAsync(command.BookingId, ct);
                return ReserveResult.Reserved(winner!, created: false);
            }

            Log.Reserved(logger, command.BookingId, reservation.Lines.Count, reservation.ExpiresAt);
            return ReserveResult.Reserved(reservation, created: true);
        }, cancellationToken);

    public Task<TransitionResult> ConfirmAsync(string bookingId, CancellationToken cancellationToken) =>
        TransitionAsync(bookingId, ReservationAction.Confirm, reason: null, cancellationToken);

    public Task<TransitionResult> ReleaseAsync(string bookingId, ReleaseReason reason, CancellationToken cancellationToken) =>
        TransitionAsync(bookingId, ReservationAction.Release, reason, cancellationToken);

    /// <summary>
    /// Expires up to <paramref name="batchSize"/> holds whose deadline has passed. Rows another instance is
    /// working on are skipped (<c>SKIP LOCKED</c>), so several sweepers can run at once. Returns how many expired.
    /// </summary>
    public async Task<int> ExpireDueAsync(int batchSize, CancellationToken cancellationToken) =>
        await retry.ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            var now = time.GetUtcNow();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
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
                Apply(reservation, ReservationAction.Expire, ReleaseReason.Expired, items, now);
            }

            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            foreach (var reservation in due)
            {
                Log.Transitioned(logger, reservation.BookingId, ReservationStatus.Reserved, reservation.Status);
            }

            return due.Count;
        }, cancellationToken);

    private async Task<TransitionResult> TransitionAsync(
        string bookingId, ReservationAction action, ReleaseReason? reason, CancellationToken cancellationToken) =>
        await retry.ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var reservation = await db.Reservations
                .FromSql($"SELECT *, xmin FROM reservations WHERE booking_id = {bookingId} FOR UPDATE")
                .SingleOrDefaultAsync(ct);
            if (reservation is null)
            {
                return new TransitionResult(TransitionOutcome.NotFound, null);
            }

            await db.Entry(reservation).Collection(r => r.Lines).LoadAsync(ct);

            var from = reservation.Status;
            switch (ReservationTransitions.Decide(from, action, reason))
            {
                case TransitionDecision.AlreadyDone:
                    return new TransitionResult(TransitionOutcome.AlreadyDone, reservation);
                case TransitionDecision.Refused:
                    Log.TransitionRefused(logger, bookingId, from, action);
                    return new TransitionResult(TransitionOutcome.Refused, reservation, ReservationTransitions.Explain(from, action, reason));
            }

            var items = ReservationTransitions.HoldsStock(ReservationTransitions.Target(action))
                ? new Dictionary<string, InventoryItem>()
                : await LockItemsAsync(reservation.Lines.Select(l => l.ItemId), ct);
            Apply(reservation, action, reason, items, time.GetUtcNow());
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            Log.Transitioned(logger, bookingId, from, reservation.Status);
            return new TransitionResult(TransitionOutcome.Applied, reservation);
        }, cancellationToken);

    /// <summary>Moves a locked reservation to the action's target status; gives its stock back when it stops holding.</summary>
    private static void Apply(
        Reservation reservation, ReservationAction action, ReleaseReason? reason,
        IReadOnlyDictionary<string, InventoryItem> lockedItems, DateTimeOffset now)
    {
        var target = ReservationTransitions.Target(action);
        if (ReservationTransitions.HoldsStock(reservation.Status) && !ReservationTransitions.HoldsStock(target))
        {
            foreach (var line in reservation.Lines)
            {
                var item = lockedItems[line.ItemId];
                item.Reserved -= line.Quantity;
                item.UpdatedAt = now;
            }

            reservation.ReleasedAt = now;
            reservation.ReleaseReason = reason;
        }

        if (target == ReservationStatus.Confirmed)
        {
            reservation.ConfirmedAt = now;
        }

        reservation.Status = target;
    }

    /// <summary>Locks the named items in item-id order and returns them by item id (unknown ids are simply absent).</summary>
    private async Task<Dictionary<string, InventoryItem>> LockItemsAsync(IEnumerable<string> itemIds, CancellationToken ct)
    {
        var ids = itemIds.Distinct(StringComparer.Ordinal).ToArray();
        var items = await db.Items
            .FromSql($"SELECT *, xmin FROM inventory_items WHERE item_id = ANY({ids}) ORDER BY item_id FOR UPDATE")
            .ToListAsync(ct);
        return items.ToDictionary(i => i.ItemId, StringComparer.Ordinal);
    }
}
