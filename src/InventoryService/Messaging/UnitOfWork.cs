using BookingSystem.InventoryService.Data;
using BookingSystem.InventoryService.Messaging.Consumers;
using Microsoft.EntityFrameworkCore;

namespace BookingSystem.InventoryService.Messaging;

/// <summary>
/// What a feature's work needs from one attempt of a unit of work, made fresh by the unit of work for each attempt
/// (<see cref="UnitOfWork.ExecuteAsync{TSession, T}"/>): a retried attempt starts from nothing, so no caller has to
/// reset anything.
/// </summary>
public interface IUnitOfWorkSession
{
    /// <summary>
    /// Writes what the work changed set-wise; called once after the work, before the outbox and the change tracker.
    /// </summary>
    public Task FlushAsync(CancellationToken ct);

    /// <summary>
    /// A unique-key violation that means a concurrent transaction won a race for the same key: run again.
    /// </summary>
    public bool IsRace(Exception exception);

    /// <summary>The attempt has committed (not called for one that is retried or fails): count what it did.</summary>
    public void Committed();
}

/// <summary>
/// One database transaction for a change and what it says about it: the session the work locks and writes through,
/// with consumed messages the inbox rows that make a redelivery a no-op, the outbox rows the change wrote (one
/// statement), one commit, then the dispatcher is woken. Like every session of the service, it waits at most
/// <see cref="DatabaseOptions.LockTimeout"/> for a lock and <see cref="DatabaseOptions.StatementTimeout"/> for a
/// statement. The whole unit is retried on transient database errors, so it must be safe to run again from the start.
/// </summary>
public sealed class UnitOfWork(
    InventoryDbContext db, Outbox outbox, DatabaseRetry retry, OutboxSignal outboxSignal, CrashPoints crashPoints,
    TimeProvider time, IServiceProvider services, ILogger<UnitOfWork> logger)
{
    /// <summary>A unit of work that consumes no message and needs no session (a stock adjustment).</summary>
    /// <param name="idempotent">
    /// False for work that must not run twice (it has no key that would make a second run a no-op, like a stock
    /// adjustment): a failure during the commit itself, whose outcome is unknown, is then not retried but reported
    /// (<see cref="CommitOutcomeUnknownException"/>). Work that can run again is retried as any transient failure.
    /// </param>
    public Task<T> ExecuteAsync<T>(
        Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken, bool idempotent = true) =>
        RunAsync(() => NoSession.Instance, (_, ct) => work(ct), consumesMessages: false, idempotent, cancellationToken);

    /// <summary>
    /// A unit of work through a fresh <typeparamref name="TSession"/> per attempt (an HTTP request, a background job).
    /// </summary>
    public Task<T> ExecuteAsync<TSession, T>(
        Func<TSession, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
        where TSession : class, IUnitOfWorkSession =>
        RunAsync(
            NewSession<TSession>, work, consumesMessages: false, idempotent: true, cancellationToken);

    /// <summary>
    /// A batch of consumed messages as one transaction: their inbox rows in one statement, then
    /// <paramref name="work"/> with a fresh session and the messages not seen before; it returns one result per
    /// message (<see cref="ConsumedBatch{TCommand}.Decide"/> gives the duplicates theirs). One commit.
    /// </summary>
    public Task<IReadOnlyList<T>> ExecuteAsync<TSession, TCommand, T>(
        IReadOnlyList<Consumed<TCommand>> messages,
        Func<TSession, ConsumedBatch<TCommand>, CancellationToken, Task<IReadOnlyList<T>>> work,
        CancellationToken cancellationToken)
        where TSession : class, IUnitOfWorkSession =>
        RunAsync<TSession, IReadOnlyList<T>>(NewSession<TSession>, async (session, ct) =>
        {
            var fresh = await Inbox.TryRecordAsync(db, messages.Select(m => m.Origin).ToList(), time.GetUtcNow(), ct);
            return await work(session, new ConsumedBatch<TCommand>(messages, fresh, outbox, logger), ct);
        }, consumesMessages: true, idempotent: true, cancellationToken);

    private async Task<T> RunAsync<TSession, T>(
        Func<TSession> open, Func<TSession, CancellationToken, Task<T>> work, bool consumesMessages, bool idempotent,
        CancellationToken cancellationToken)
        where TSession : class, IUnitOfWorkSession =>
        await retry.ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            outbox.Clear();
            var session = open();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var result = await work(session, ct);
            IReadOnlyList<ClaimedRow> committed;
            try
            {
                await session.FlushAsync(ct);
                committed = await outbox.WriteAsync(ct);
                await db.SaveChangesAsync(ct);
            }
            catch (Exception e) when (session.IsRace(e))
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
            session.Committed();
            return result;
        }, cancellationToken);

    /// <summary>A session of its own for each attempt, whatever lifetime the container would give one.</summary>
    private TSession NewSession<TSession>() where TSession : class, IUnitOfWorkSession =>
        ActivatorUtilities.CreateInstance<TSession>(services);

    /// <summary>The session of work that needs none: nothing to flush, no race to recognise.</summary>
    private sealed class NoSession : IUnitOfWorkSession
    {
        public static readonly NoSession Instance = new();

        public Task FlushAsync(CancellationToken ct) => Task.CompletedTask;

        public bool IsRace(Exception exception) => false;

        public void Committed()
        {
        }
    }
}

/// <summary>
/// The messages of one consumed batch as the work of a unit of work sees them: <see cref="Commands"/> (those not
/// seen before, to lock what they need set-wise) and <see cref="Decide"/>, which runs each in arrival order as the
/// current message: its log scope and span, and the causation id of every event the decision writes.
/// </summary>
public sealed class ConsumedBatch<TCommand>
{
    private readonly IReadOnlyList<Consumed<TCommand>> _messages;
    private readonly bool[] _fresh;
    private readonly Outbox _outbox;
    private readonly ILogger _logger;

    internal ConsumedBatch(IReadOnlyList<Consumed<TCommand>> messages, bool[] fresh, Outbox outbox, ILogger logger)
    {
        _messages = messages;
        _fresh = fresh;
        _outbox = outbox;
        _logger = logger;
        Commands = messages.Where((_, i) => fresh[i]).Select(m => m.Command).ToList();
    }

    /// <summary>The commands of the messages not processed before, in arrival order.</summary>
    public IReadOnlyList<TCommand> Commands { get; }

    /// <summary>
    /// One result per message of the batch: <paramref name="decide"/> for a new one, <paramref name="duplicate"/> for a
    /// repeat.
    /// </summary>
    public IReadOnlyList<T> Decide<T>(Func<TCommand, T> decide, T duplicate)
    {
        var results = new T[_messages.Count];
        for (var i = 0; i < _messages.Count; i++)
        {
            var message = _messages[i];
            using var entered = message.Enter();
            if (!_fresh[i])
            {
                Log.DuplicateEvent(_logger, message.Origin.EventId, message.Origin.Consumer);
                results[i] = duplicate;
                continue;
            }

            _outbox.HandlingEventId = message.Origin.EventId;
            try
            {
                results[i] = decide(message.Command);
            }
            finally
            {
                _outbox.HandlingEventId = null;
            }
        }

        return results;
    }
}

/// <summary>
/// The commit of work that must not run twice failed in a way that leaves its outcome unknown; not retried.
/// </summary>
public sealed class CommitOutcomeUnknownException(Exception innerException)
    : Exception(
        "The database did not confirm the commit; the change may or may not have been applied, so it was not retried.",
        innerException);
