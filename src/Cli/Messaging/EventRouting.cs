using BookingSystem.Contracts;

namespace BookingSystem.Cli.Messaging;

/// <summary>Which routing key an event type travels under, and which one a consumer queue is bound to.</summary>
public static class EventRouting
{
    private static readonly Dictionary<string, string> ByEventType = new(StringComparer.Ordinal)
    {
        [EventTypes.BookingCreated] = RoutingKeys.BookingCreated,
        [EventTypes.PaymentSucceeded] = RoutingKeys.PaymentSucceeded,
        [EventTypes.PaymentFailed] = RoutingKeys.PaymentFailed,
        [EventTypes.InventoryReserved] = RoutingKeys.InventoryReserved,
        [EventTypes.InventoryReservationFailed] = RoutingKeys.InventoryReservationFailed,
        [EventTypes.InventoryReleased] = RoutingKeys.InventoryReleased,
        [EventTypes.InventoryConfirmed] = RoutingKeys.InventoryConfirmed,
        [EventTypes.LowStockAlert] = RoutingKeys.LowStockAlert,
    };

    private static readonly Dictionary<string, string> ByConsumerQueue =
        Topology.ConsumerQueues.ToDictionary(q => q.Queue, q => q.RoutingKey, StringComparer.Ordinal);

    /// <summary>The InventoryService's consumer queues, in the order the tools show them.</summary>
    public static IReadOnlyList<string> ConsumerQueues { get; } = Topology.ConsumerQueues.Select(q => q.Queue).ToList();

    public static string? RoutingKeyOf(string? eventType) =>
        eventType is not null && ByEventType.TryGetValue(eventType, out var key) ? key : null;

    /// <summary>
    /// The routing key a consumer queue is bound to: the known ones from the contract, else by the naming
    /// convention <c>&lt;service&gt;.&lt;entity&gt;-&lt;verb&gt;</c> → <c>&lt;entity&gt;.&lt;verb&gt;</c>
    /// (<c>inventory.booking-created</c> → <c>booking.created</c>).
    /// </summary>
    public static string? RoutingKeyOfQueue(string? queue)
    {
        if (string.IsNullOrEmpty(queue))
        {
            return null;
        }

        if (queue.EndsWith(Topology.DeadLetterSuffix, StringComparison.Ordinal))
        {
            queue = queue[..^Topology.DeadLetterSuffix.Length];
        }

        if (ByConsumerQueue.TryGetValue(queue, out var key))
        {
            return key;
        }

        var name = queue[(queue.LastIndexOf('.') + 1)..];
        var dash = name.IndexOf('-', StringComparison.Ordinal);
        return dash > 0 && dash < name.Length - 1 ? $"{name[..dash]}.{name[(dash + 1)..]}" : null;
    }

    /// <summary><c>inventory.booking-created</c> and <c>inventory.booking-created.dlq</c> both name the same DLQ.</summary>
    public static string DeadLetterQueueOf(string queue) =>
        queue.EndsWith(Topology.DeadLetterSuffix, StringComparison.Ordinal) ? queue : queue + Topology.DeadLetterSuffix;
}
