using System.Diagnostics;
using BookingSystem.InventoryService.Data;
using BookingSystem.InventoryService.Observability;

namespace BookingSystem.InventoryService.Messaging.Consumers;

/// <summary>How a consumer settles deliveries with the broker: its channel, or a recorder in unit tests.</summary>
public interface IDeliverySettlement
{
    /// <summary>Whether deliveries can still be settled (the channel they came on is open).</summary>
    public bool IsOpen { get; }

    public Task AckAsync(ulong tag, bool multiple);

    /// <summary>
    /// Back to the queue; counts toward the queue's delivery limit, after which the broker dead-letters it.
    /// </summary>
    public Task RequeueAsync(ulong tag);

    /// <summary>To the DLQ with the reason in a header, then acked; never retried.</summary>
    public Task DeadLetterAsync(Delivery delivery, string reason);
}

/// <summary>
/// Settles each triaged batch of one consumer. Rejected deliveries go to the DLQ first. The accepted ones are applied
/// together (<paramref name="apply"/>: one scope, one transaction, transient errors retried inside). While the database
/// is away (<see cref="DatabaseRetry.IsUnavailable"/>) the batch is held — unacked, so the broker sends no more than
/// the prefetch — and tried again with backoff until it answers: an outage must not use up delivery limits and send
/// good messages to the DLQ. A batch that fails otherwise (a bad message, a lock or statement timeout) is applied
/// message by message, so one message cannot fail its neighbours or use up their delivery limit; one that fails alone
/// goes back to the queue, and after the delivery limit to the DLQ. Then one ack with <c>multiple</c> up to the
/// highest applied tag covers the batch: every lower tag is settled by then (earlier batches finished before this one
/// started; in this one the others were dead-lettered or requeued first). Shutdown does not cancel work in flight.
/// </summary>
public sealed class BatchApplier<TCommand>(
    string queue,
    string eventType,
    IDeliverySettlement settlement,
    Func<IReadOnlyList<Consumed<TCommand>>, Task<IReadOnlyList<string>>> apply,
    InventoryMetrics metrics,
    CrashPoints crashPoints,
    ILogger logger,
    TimeSpan holdBase)
{
    internal static readonly TimeSpan HoldMax = TimeSpan.FromSeconds(30);

    /// <param name="stopping">The host is stopping: a held batch is no longer held (it goes back to the queue).</param>
    public async Task SettleAsync(Triaged<TCommand> batch, CancellationToken stopping)
    {
        foreach (var rejected in batch.Rejected)
        {
            metrics.Rejected(queue);
            Log.Rejected(logger, LogText.Clean(rejected.Delivery.Properties.MessageId), queue, rejected.Reason);
            await settlement.DeadLetterAsync(rejected.Delivery, rejected.Reason);
        }

        if (batch.Accepted.Count == 0)
        {
            return;
        }

        var applied = new List<ulong>(batch.Accepted.Count);
        await ApplyAsync(batch.Accepted, applied, stopping);
        if (applied.Count > 0)
        {
            crashPoints.Reached(CrashPoint.AfterCommit);
            await settlement.AckAsync(applied.Max(), multiple: applied.Count > 1);
        }
    }

    private async Task ApplyAsync(
        IReadOnlyList<Accepted<TCommand>> batch, List<ulong> applied, CancellationToken stopping)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var outcomes = await apply(batch.Select(m => m.Message).ToList());
                for (var i = 0; i < batch.Count; i++)
                {
                    Completed(batch[i], outcomes[i]);
                    applied.Add(batch[i].Delivery.Tag);
                }

                return;
            }
            catch (Exception e) when (DatabaseRetry.IsUnavailable(e) && settlement.IsOpen
                && !stopping.IsCancellationRequested)
            {
                var delay = Backoff.Exponential(attempt, holdBase, HoldMax);
                var first = batch[0].Message.Origin;
                Log.HeldForDatabase(logger, e, eventType, first.EventId, queue, batch.Count, attempt, delay);
                await Task.Delay(delay, stopping).ContinueWith(_ => { }, TaskScheduler.Default);
            }
            catch (Exception e) when (DatabaseRetry.IsUnavailable(e))
            {
                // Stopping (or the channel is gone) while the database is away: trying each message alone would only
                // wait out the retries of each against it. Back to the queue, all of them.
                Log.BatchFailed(logger, e, queue, batch.Count);
                foreach (var (delivery, _) in batch)
                {
                    await settlement.RequeueAsync(delivery.Tag);
                }

                return;
            }
            catch (Exception e) when (batch.Count > 1)
            {
                // Not the database being away: find the message it was about by applying each on its own.
                Log.BatchFailed(logger, e, queue, batch.Count);
                foreach (var message in batch)
                {
                    await ApplyAsync([message], applied, stopping);
                }

                return;
            }
            catch (Exception e)
            {
                // Fails on its own: back to the queue (the broker dead-letters it at the queue's delivery limit).
                var (delivery, message) = batch[0];
                using (message.Enter())
                {
                    message.Activity?.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
                    Log.HandlingFailed(logger, e, eventType, message.Origin.EventId, queue, delivery.Number);
                }

                message.Activity?.Stop();
                await settlement.RequeueAsync(delivery.Tag);
                return;
            }
        }
    }

    private void Completed(Accepted<TCommand> accepted, string outcome)
    {
        var (delivery, message) = accepted;
        using (message.Enter())
        {
            message.Activity?.SetTag("booking.outcome", outcome);
            metrics.Consumed(queue, outcome, Stopwatch.GetElapsedTime(delivery.ReceivedAt));
            Log.Handled(logger, eventType, message.Origin.EventId, outcome);
        }

        message.Activity?.Stop();
    }
}
