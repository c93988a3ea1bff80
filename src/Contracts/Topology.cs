namespace BookingSystem.Contracts;

/// <summary>Names of the platform's exchanges (configurable in the service) and the InventoryService's queues.</summary>
public static class Topology
{
    /// <summary>The durable topic exchange every service publishes its events to.</summary>
    public const string Exchange = "booking.events";

    /// <summary>Where rejected and poison messages go, routed by the name of the queue they came from.</summary>
    public const string DeadLetterExchange = "booking.events.dlx";

    public const string BookingCreatedQueue = "inventory.booking-created";
    public const string PaymentSucceededQueue = "inventory.payment-succeeded";
    public const string PaymentFailedQueue = "inventory.payment-failed";

    /// <summary>Suffix of each consumer queue's dead-letter queue: <c>inventory.booking-created.dlq</c>.</summary>
    public const string DeadLetterSuffix = ".dlq";

    /// <summary>Header on a dead-lettered message saying why it was rejected.</summary>
    public const string RejectReasonHeader = "x-reject-reason";

    /// <summary>Header on a dead-lettered message naming the queue it was consumed from.</summary>
    public const string SourceQueueHeader = "x-source-queue";

    /// <summary>Header on a dead-lettered message with the routing key it was published with (for replay).</summary>
    public const string OriginalRoutingKeyHeader = "x-original-routing-key";

    /// <summary>W3C trace context header carried on every message.</summary>
    public const string TraceParentHeader = "traceparent";
}
