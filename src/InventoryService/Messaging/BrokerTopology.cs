using BookingSystem.DeadLetters;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace BookingSystem.InventoryService.Messaging;

/// <summary>
/// Declares (idempotently) the platform exchange, the dead-letter exchange, and per consumer a durable quorum
/// queue with a delivery limit whose poison messages go to its own <c>.dlq</c> quorum queue.
/// </summary>
public sealed class BrokerTopology(IOptions<RabbitMqOptions> options)
{
    public async Task DeclareExchangeAsync(IChannel channel, CancellationToken ct) =>
        await channel.ExchangeDeclareAsync(options.Value.Exchange, ExchangeType.Topic, durable: true, autoDelete: false, cancellationToken: ct);

    public async Task DeclareConsumerQueueAsync(IChannel channel, string queue, string routingKey, CancellationToken ct)
    {
        var settings = options.Value;
        var deadLetterQueue = DeadLetterQueueNames.DeadLetterQueueOf(queue);
        await DeclareExchangeAsync(channel, ct);
        await channel.ExchangeDeclareAsync(settings.DeadLetterExchange, ExchangeType.Direct, durable: true, autoDelete: false, cancellationToken: ct);
        await channel.QueueDeclareAsync(deadLetterQueue, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" }, cancellationToken: ct);
        await channel.QueueBindAsync(deadLetterQueue, settings.DeadLetterExchange, deadLetterQueue, cancellationToken: ct);
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?>
            {
                ["x-queue-type"] = "quorum",
                ["x-delivery-limit"] = settings.DeliveryLimit,
                ["x-dead-letter-exchange"] = settings.DeadLetterExchange,
                ["x-dead-letter-routing-key"] = deadLetterQueue,
                // Dead-lettering that cannot lose a message on the way to the DLQ (needs reject-publish overflow).
                ["x-dead-letter-strategy"] = "at-least-once",
                ["x-overflow"] = "reject-publish",
            },
            cancellationToken: ct);
        await channel.QueueBindAsync(queue, settings.Exchange, routingKey, cancellationToken: ct);
    }
}
