using System.Diagnostics;
using System.Globalization;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace BookingSystem.InventoryService.Messaging.Consumers;

/// <summary>
/// A delivery kept past its event handler, waiting in a consumer's batch buffer: RabbitMQ.Client lends the body only
/// for the handler's duration, so it is copied (bounded by the prefetch and <see
/// cref="RabbitMqOptions.MaxMessageBytes"/>
/// is checked before anything else reads it).
/// </summary>
public sealed record Delivery(ulong Tag, string RoutingKey, IReadOnlyBasicProperties Properties, ReadOnlyMemory<byte> Body, long ReceivedAt)
{
    /// <summary>This delivery's number (1 = first), from the quorum queue's count of earlier ones.</summary>
    public long Number =>
        Properties.Headers?.TryGetValue("x-delivery-count", out var value) == true && value is long or int
            ? Convert.ToInt64(value, CultureInfo.InvariantCulture) + 1
            : 1;

    public static Delivery Copy(BasicDeliverEventArgs delivery) =>
        new(delivery.DeliveryTag, delivery.RoutingKey, delivery.BasicProperties, delivery.Body.ToArray(), Stopwatch.GetTimestamp());
}
