using System.Diagnostics;
using System.Text;
using BookingSystem.Contracts;
using RabbitMQ.Client;

namespace BookingSystem.InventoryService.Messaging;

/// <summary>
/// The spans of the messaging path, one per publish (the outbox dispatcher's) and one per processed message (a
/// consumer's), linked through the W3C <c>traceparent</c> that travels in the outbox row and the AMQP headers:
/// HTTP request or consumed message → outbox row → publish → consumer of the next service. RabbitMQ.Client's own
/// sources are not listened to, so one publish is one span.
/// </summary>
public static class MessagingActivities
{
    public const string SourceName = "BookingSystem.InventoryService.Messaging";

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>A producer span for one outbox row, child of the work that wrote the row.</summary>
    public static Activity? StartPublish(string exchange, string routingKey, string eventId, string eventType, string correlationId, string? parent)
    {
        ActivityContext.TryParse(parent, null, out var context);
        var activity = Source.StartActivity($"publish {routingKey}", ActivityKind.Producer, context);
        activity?.SetTag("messaging.system", "rabbitmq")
            .SetTag("messaging.operation.type", "publish")
            .SetTag("messaging.destination.name", exchange)
            .SetTag("messaging.rabbitmq.destination.routing_key", routingKey)
            .SetTag("messaging.message.id", eventId)
            .SetTag("messaging.message.conversation_id", correlationId)
            .SetTag("booking.event_type", eventType);
        return activity;
    }

    /// <summary>A consumer span for one delivery, child of the publish that sent it (its <c>traceparent</c> header).</summary>
    public static Activity? StartProcess(string queue, IReadOnlyBasicProperties properties)
    {
        var traceParent = properties.Headers?.TryGetValue(Topology.TraceParentHeader, out var value) == true && value is byte[] bytes
            ? Encoding.UTF8.GetString(bytes)
            : null;
        ActivityContext.TryParse(traceParent, null, out var parent);
        var activity = Source.StartActivity($"process {queue}", ActivityKind.Consumer, parent);
        activity?.SetTag("messaging.system", "rabbitmq")
            .SetTag("messaging.operation.type", "process")
            .SetTag("messaging.destination.name", queue)
            .SetTag("messaging.message.id", properties.MessageId);
        return activity;
    }
}
