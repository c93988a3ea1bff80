using BookingSystem.InventoryService.Observability;
using RabbitMQ.Client;

namespace BookingSystem.InventoryService.Messaging.Consumers;

/// <summary>
/// Settles deliveries on the channel they came on. A failure is requeued with <c>basic.reject</c>, which counts
/// toward a quorum queue's delivery limit on every RabbitMQ version (from 4.3 <c>basic.nack</c> no longer does). A dead
/// letter is published to the DLQ with the reason on a channel of its own (<see cref="DeadLetterPublisher"/>) and then
/// acked; if that publish fails, the broker dead-letters it through the queue's own DLX instead (reject without
/// requeue): the reason is then only in our log.
/// </summary>
public sealed class ChannelSettlement(IChannel channel, DeadLetterPublisher deadLetters, string queue, ILogger logger)
    : IDeliverySettlement
{
    public bool IsOpen => channel.IsOpen;

    public Task AckAsync(ulong tag, bool multiple) =>
        channel.BasicAckAsync(tag, multiple, CancellationToken.None).AsTask();

    public Task RequeueAsync(ulong tag) =>
        channel.BasicRejectAsync(tag, requeue: true, CancellationToken.None).AsTask();

    /// <summary>Closes the channel: every delivery not settled yet goes back to the queue.</summary>
    public async Task AbandonAsync()
    {
        if (channel.IsOpen)
        {
            await channel.CloseAsync(CancellationToken.None);
        }
    }

    public async Task DeadLetterAsync(Delivery delivery, string reason)
    {
        try
        {
            await deadLetters.PublishAsync(queue, delivery, reason);
        }
        catch (Exception e)
        {
            Log.DeadLetterPublishFailed(logger, e, LogText.Clean(delivery.Properties.MessageId), queue);
            await channel.BasicRejectAsync(delivery.Tag, requeue: false, CancellationToken.None);
            return;
        }

        await channel.BasicAckAsync(delivery.Tag, multiple: false, CancellationToken.None);
    }
}
