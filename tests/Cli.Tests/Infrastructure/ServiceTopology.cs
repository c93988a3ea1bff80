using BookingSystem.Contracts;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;
using RabbitMQ.Client;

namespace BookingSystem.Cli.Tests.Infrastructure;

/// <summary>
/// The broker objects the InventoryService declares for one consumer (same arguments as its BrokerTopology), so
/// the DLQ verbs can be tested without the service: exchange, DLX, quorum queue with a delivery limit, quorum DLQ.
/// </summary>
public static class ServiceTopology
{
    public static async Task DeclareAsync(IChannel channel, string queue, string routingKey)
    {
        var deadLetterQueue = queue + Topology.DeadLetterSuffix;
        await channel.ExchangeDeclareAsync(Topology.Exchange, ExchangeType.Topic, durable: true, autoDelete: false);
        await channel.ExchangeDeclareAsync(Topology.DeadLetterExchange, ExchangeType.Direct, durable: true, autoDelete: false);
        await channel.QueueDeclareAsync(deadLetterQueue, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" });
        await channel.QueueBindAsync(deadLetterQueue, Topology.DeadLetterExchange, deadLetterQueue);
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?>
            {
                ["x-queue-type"] = "quorum",
                ["x-delivery-limit"] = 5,
                ["x-dead-letter-exchange"] = Topology.DeadLetterExchange,
                ["x-dead-letter-routing-key"] = deadLetterQueue,
                ["x-dead-letter-strategy"] = "at-least-once",
                ["x-overflow"] = "reject-publish",
            });
        await channel.QueueBindAsync(queue, Topology.Exchange, routingKey);
    }

    /// <summary>Polls until <paramref name="queue"/> holds <paramref name="count"/> ready messages (quorum dead-lettering is asynchronous).</summary>
    public static async Task WaitForCountAsync(IChannel channel, string queue, uint count)
    {
        uint seen = 0;
        await Eventually.HoldsAsync(async () => (seen = await channel.MessageCountAsync(queue)) == count,
            TimeSpan.FromSeconds(10), () => $"{queue} holds {seen} messages, not {count}.");
    }
}
