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
    public Task<T> ExecuteAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        ExecuteAsync(origin: null, duplicate: default(T)!, work, cancellationToken);

    /// <param name="origin">The consumed message, if any: recorded first; when it was recorded before, nothing runs.</param>
    /// <param name="duplicate">What to return for a message that was already processed.</param>
    /// <param name="isRace">
    /// A unique-key violation at save that means a concurrent transaction inserted the same business key: the unit
    /// runs again and sees the winner's row.
    /// </param>
    public async Task<T> ExecuteAsync<T>(
        MessageOrigin? origin, T duplicate, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken,
        Func<DbUpdateException, bool>? isRace = null) =>
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

            await transaction.CommitAsync(ct);
            outboxSignal.Notify();
            foreach (var action in _afterCommit)
            {
                action();
            }

            return result;
        }, cancellationToken);
}
