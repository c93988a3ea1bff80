using BookingSystem.InventoryService.Data;
using Microsoft.EntityFrameworkCore;

namespace BookingSystem.InventoryService.Messaging;

/// <summary>
/// One database transaction for a change and what it says about it: with a consumed message, the inbox row that
/// makes a redelivery a no-op; the outbox rows the change wrote; one commit; then the dispatcher is woken. The
/// whole unit is retried on transient database errors, so it must be safe to run again from the start.
/// </summary>
public sealed class UnitOfWork(InventoryDbContext db, DatabaseRetry retry, OutboxSignal outboxSignal, TimeProvider time, ILogger<UnitOfWork> logger)
{
    private readonly List<Action> _afterCommit = [];

    /// <summary>Runs <paramref name="action"/> once the current attempt has committed (not for an attempt that is retried or fails).</summary>
    public void OnCommitted(Action action) => _afterCommit.Add(action);

    /// <summary>A unit of work that consumes no message (an HTTP request, a background job).</summary>
    /// <param name="idempotent">
    /// False for work that must not run twice (it has no key that would make a second run a no-op, like a stock
    /// adjustment): a failure during the commit itself, whose outcome is unknown, is then not retried but reported
    /// (<see cref="CommitOutcomeUnknownException"/>). Work that can run again (keyed reservations, a consumed message
    /// with its inbox row, expiry) is retried as any transient failure.
    /// </param>
    public Task<T> ExecuteAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken, bool idempotent = true) =>
        ExecuteAsync(origin: null, duplicate: default(T)!, work, cancellationToken, isRace: null, idempotent);

    /// <param name="origin">The consumed message, if any: recorded first; when it was recorded before, nothing runs.</param>
    /// <param name="duplicate">What to return for a message that was already processed.</param>
    /// <param name="isRace">
    /// A unique-key violation at save that means a concurrent transaction inserted the same business key: the unit
    /// runs again and sees the winner's row.
    /// </param>
    public async Task<T> ExecuteAsync<T>(
        MessageOrigin? origin, T duplicate, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken,
        Func<DbUpdateException, bool>? isRace = null, bool idempotent = true) =>
        await retry.ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            _afterCommit.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            if (origin is not null && !await Inbox.TryRecordAsync(db, origin, time.GetUtcNow(), ct))
            {
                Log.DuplicateEvent(logger, origin.EventId, origin.Consumer);
                return duplicate;
            }

            var result = await work(ct);
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException e) when (isRace?.Invoke(e) == true)
            {
                throw new TransientConflictException(e);
            }

            try
            {
                await transaction.CommitAsync(ct);
            }
            catch (Exception e) when (!idempotent)
            {
                throw new CommitOutcomeUnknownException(e);
            }

            outboxSignal.Notify();
            foreach (var action in _afterCommit)
            {
                action();
            }

            return result;
        }, cancellationToken);
}

/// <summary>The commit of work that must not run twice failed in a way that leaves its outcome unknown; not retried.</summary>
public sealed class CommitOutcomeUnknownException(Exception innerException)
    : Exception("The database did not confirm the commit; the change may or may not have been applied, so it was not retried.", innerException);
