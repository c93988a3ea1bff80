using BookingSystem.InventoryService.Data;
using Microsoft.EntityFrameworkCore;

namespace BookingSystem.InventoryService.Messaging;

/// <summary>
/// One database transaction for a change and what it says about it: with consumed messages, the inbox rows that
/// make a redelivery a no-op; the outbox rows the change wrote (one statement); one commit; then the dispatcher is woken. The
/// whole unit is retried on transient database errors, so it must be safe to run again from the start.
/// </summary>
public sealed class UnitOfWork(
    InventoryDbContext db, Outbox outbox, DatabaseRetry retry, OutboxSignal outboxSignal, CrashPoints crashPoints, TimeProvider time,
    ILogger<UnitOfWork> logger)
{
    private readonly List<Action> _afterCommit = [];
    private readonly List<Func<CancellationToken, Task>> _beforeSave = [];

    /// <summary>
    /// Runs <paramref name="write"/> at the end of the current attempt, before the tracked changes are saved: for rows
    /// a feature writes set-wise instead of through the change tracker.
    /// </summary>
    public void BeforeSave(Func<CancellationToken, Task> write) => _beforeSave.Add(write);

    /// <summary>Runs <paramref name="action"/> once the current attempt has committed (not for an attempt that is retried or fails).</summary>
    public void OnCommitted(Action action) => _afterCommit.Add(action);

    /// <summary>A unit of work that consumes no message (an HTTP request, a background job).</summary>
    /// <param name="idempotent">
    /// False for work that must not run twice (it has no key that would make a second run a no-op, like a stock
    /// adjustment): a failure during the commit itself, whose outcome is unknown, is then not retried but reported
    /// (<see cref="CommitOutcomeUnknownException"/>). Work that can run again (keyed reservations, consumed messages
    /// with their inbox rows, expiry) is retried as any transient failure.
    /// </param>
    /// <param name="isRace">
    /// A unique-key violation while saving (the change tracker's or a set-wise write's) that means a concurrent
    /// transaction inserted the same business key: the unit runs again and sees the winner's row.
    /// </param>
    public Task<T> ExecuteAsync<T>(
        Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken, Func<Exception, bool>? isRace = null, bool idempotent = true) =>
        ExecuteAsync(work, consumesMessages: false, cancellationToken, isRace, idempotent);

    private async Task<T> ExecuteAsync<T>(
        Func<CancellationToken, Task<T>> work, bool consumesMessages, CancellationToken cancellationToken, Func<Exception, bool>? isRace,
        bool idempotent) =>
        await retry.ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            outbox.Clear();
            _afterCommit.Clear();
            _beforeSave.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var result = await work(ct);
            IReadOnlyList<ClaimedRow> committed;
            try
            {
                foreach (var write in _beforeSave)
                {
                    await write(ct);
                }

                committed = await outbox.WriteAsync(ct);
                await db.SaveChangesAsync(ct);
            }
            catch (Exception e) when (isRace?.Invoke(e) == true)
            {
                throw new TransientConflictException(e);
            }

            if (consumesMessages)
            {
                crashPoints.Reached(CrashPoint.BeforeCommit);
            }

            try
            {
                await transaction.CommitAsync(ct);
            }
            catch (Exception e) when (!idempotent)
            {
                throw new CommitOutcomeUnknownException(e);
            }

            outboxSignal.Committed(committed);
            foreach (var action in _afterCommit)
            {
                action();
            }

            return result;
        }, cancellationToken);

    /// <summary>
    /// A batch of consumed messages as one transaction: their inbox rows in one statement; <paramref name="prepare"/>
    /// once with the messages not seen before (to lock and load, set-wise, the rows they touch); then
    /// <paramref name="handle"/> for each of them in arrival order, inside its own log scope and span; one commit.
    /// Returns one result per message, <paramref name="duplicate"/> for those already processed.
    /// </summary>
    public async Task<IReadOnlyList<T>> ExecuteAsync<TCommand, T>(
        IReadOnlyList<Consumed<TCommand>> messages, T duplicate,
        Func<IReadOnlyList<Consumed<TCommand>>, CancellationToken, Task> prepare, Func<Consumed<TCommand>, CancellationToken, Task<T>> handle,
        CancellationToken cancellationToken, Func<Exception, bool>? isRace = null) =>
        await ExecuteAsync(async ct =>
        {
            var fresh = await Inbox.TryRecordAsync(db, messages.Select(m => m.Origin).ToList(), time.GetUtcNow(), ct);
            await prepare(messages.Where((_, i) => fresh[i]).ToList(), ct);
            var results = new T[messages.Count];
            for (var i = 0; i < messages.Count; i++)
            {
                using var entered = messages[i].Enter();
                if (fresh[i])
                {
                    results[i] = await handle(messages[i], ct);
                }
                else
                {
                    Log.DuplicateEvent(logger, messages[i].Origin.EventId, messages[i].Origin.Consumer);
                    results[i] = duplicate;
                }
            }

            return (IReadOnlyList<T>)results;
        }, consumesMessages: true, cancellationToken, isRace, idempotent: true);
}

/// <summary>The commit of work that must not run twice failed in a way that leaves its outcome unknown; not retried.</summary>
public sealed class CommitOutcomeUnknownException(Exception innerException)
    : Exception("The database did not confirm the commit; the change may or may not have been applied, so it was not retried.", innerException);
