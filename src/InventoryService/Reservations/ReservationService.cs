using BookingSystem.InventoryService.Data;
using BookingSystem.InventoryService.Messaging.Consumers;
using BookingSystem.InventoryService.Messaging;
using BookingSystem.InventoryService.Observability;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BookingSystem.InventoryService.Reservations;

/// <summary>
/// The reservation feature's transactions. Each is one <see cref="UnitOfWork"/> (the consumed events in the inbox,
/// the outgoing events in the outbox, retried as a whole on transient errors) that reads top to bottom: lock what
/// the work decides on, through the attempt's <see cref="LockSession"/>, all at once and in one order; then decide
/// each booking by the rules (<see cref="ReservationRules"/>, <see cref="PaymentRules"/>) against the locked rows.
/// </summary>
public sealed class ReservationService(
    InventoryDbContext db,
    UnitOfWork unitOfWork,
    ReservationRules rules,
    PaymentRules payments,
    TimeProvider time,
    IOptions<ReservationOptions> options,
    ILogger<ReservationService> logger)
{
    /// <param name="key">The reservation's key (<see cref="BookingKey"/>).</param>
    public Task<Reservation?> FindAsync(string key, CancellationToken cancellationToken) =>
        db.Reservations.AsNoTracking().Include(r => r.Lines).SingleOrDefaultAsync(r => r.Key == key, cancellationToken);

    /// <summary>One reserve over HTTP: all lines or nothing, within the caller's cap of active holds.</summary>
    public Task<ReserveResult> ReserveAsync(ReserveCommand command, CancellationToken cancellationToken) =>
        unitOfWork.ExecuteAsync(async (LockSession session, CancellationToken ct) =>
        {
            await session.LockAsync(ToReserve([command]), ct);
            return rules.Reserve(session, command, time.GetUtcNow());
        }, cancellationToken);

    /// <summary>
    /// A batch of BookingCreated messages in one transaction: the bookings, their waiting payments and existing
    /// reservations, and every item they name are locked once each; then each booking is decided in arrival order by
    /// the same rules as a single reserve. A second booking with the same id in the batch sees the first one's
    /// reservation.
    /// </summary>
    public Task<IReadOnlyList<ReserveOutcome>> ReserveAsync(
        IReadOnlyList<Consumed<ReserveCommand>> messages, CancellationToken cancellationToken) =>
        unitOfWork.ExecuteAsync(messages,
            async (LockSession session, ConsumedBatch<ReserveCommand> batch, CancellationToken ct) =>
        {
            await session.LockAsync(ToReserve(batch.Commands), ct);
            var now = time.GetUtcNow();
            return batch.Decide(command => rules.Reserve(session, command, now).Outcome, ReserveOutcome.Duplicate);
        }, cancellationToken);

    /// <summary>
    /// A batch of payment outcomes in one transaction, locked like a batch of bookings (the items of a reservation
    /// only where a payment may move its stock: <see cref="PaymentRules.MayMoveStock"/>).
    /// </summary>
    public Task<IReadOnlyList<PaymentHandling>> ApplyPaymentsAsync(
        IReadOnlyList<Consumed<PaymentCommand>> messages, CancellationToken cancellationToken) =>
        unitOfWork.ExecuteAsync(messages,
            async (LockSession session, ConsumedBatch<PaymentCommand> batch, CancellationToken ct) =>
        {
            var results = batch.Commands.ToLookup(c => c.BookingId, c => c.Result, StringComparer.Ordinal);
            await session.LockAsync(
                new LockRequest([.. results.Select(r => r.Key)], [], r => PaymentRules.MayMoveStock(results[r.Key], r)),
                ct);
            var now = time.GetUtcNow();
            return batch.Decide(command => payments.Apply(session, command, now), PaymentHandling.Duplicate);
        }, cancellationToken);

    /// <param name="key">The reservation's key (<see cref="BookingKey"/>).</param>
    public Task<TransitionResult> ConfirmAsync(string key, CancellationToken cancellationToken) =>
        TransitionAsync(key, ReservationAction.Confirm, reason: null, cancellationToken);

    /// <param name="key">The reservation's key (<see cref="BookingKey"/>).</param>
    public Task<TransitionResult> ReleaseAsync(string key, ReleaseReason reason, CancellationToken cancellationToken) =>
        TransitionAsync(key, ReservationAction.Release, reason, cancellationToken);

    /// <summary>
    /// Expires up to <paramref name="batchSize"/> holds whose deadline has passed. Rows another instance is
    /// working on are skipped (<c>SKIP LOCKED</c>), so several sweepers can run at once. Returns how many expired.
    /// </summary>
    public Task<int> ExpireDueAsync(int batchSize, CancellationToken cancellationToken) =>
        unitOfWork.ExecuteAsync(async (LockSession session, CancellationToken ct) =>
        {
            var now = time.GetUtcNow();
            var due = await session.LockDueHoldsAsync(now, batchSize, ct);
            foreach (var reservation in due)
            {
                using var scope = BookingScope(reservation.CorrelationId, reservation.Key);
                rules.Transition(session, reservation, ReservationAction.Expire, ReleaseReason.Expired, now);
            }

            return due.Count;
        }, cancellationToken);

    /// <summary>
    /// Forgets up to <paramref name="batchSize"/> payment outcomes that waited longer than
    /// <see cref="ReservationOptions.PaymentRetention"/> for their booking (<see cref="PaymentRules.Forget"/>). Returns
    /// how many.
    /// </summary>
    public Task<int> ExpireWaitingPaymentsAsync(int batchSize, CancellationToken cancellationToken) =>
        unitOfWork.ExecuteAsync(async (LockSession session, CancellationToken ct) =>
        {
            var cutoff = time.GetUtcNow() - options.Value.PaymentRetention;
            var stale = await session.LockStalePaymentsAsync(cutoff, batchSize, ct);
            foreach (var payment in stale)
            {
                using var scope = BookingScope(payment.CorrelationId, payment.BookingId);
                payments.Forget(session, payment);
            }

            return stale.Count;
        }, cancellationToken);

    private static LockRequest ToReserve(IReadOnlyList<ReserveCommand> commands) => new(
        [.. commands.Select(c => c.Key)], [.. commands.SelectMany(c => c.Lines)],
        CappedUsers: [.. commands.Select(c => c.CappedUser).OfType<string>()]);

    private Task<TransitionResult> TransitionAsync(
        string key, ReservationAction action, ReleaseReason? reason, CancellationToken cancellationToken) =>
        unitOfWork.ExecuteAsync(async (LockSession session, CancellationToken ct) =>
        {
            // A confirmation moves no pool stock, but a nightly line's units from held to sold.
            await session.LockAsync(
                new LockRequest([key], [], r => action != ReservationAction.Confirm || r.Lines.Any(l => l.IsNightly)),
                ct);
            return session.Reservation(key) is { } reservation
                ? rules.Transition(session, reservation, action, reason, time.GetUtcNow())
                : new TransitionResult(TransitionOutcome.NotFound, null);
        }, cancellationToken);

    /// <summary>
    /// A background job's part of a booking's story: its log events carry the booking's correlation id.
    /// </summary>
    private IDisposable? BookingScope(string correlationId, string bookingId) =>
        logger.BeginScope(new Dictionary<string, object>
        {
            [LogProperties.CorrelationId] = correlationId,
            [LogProperties.BookingId] = bookingId,
        });
}
