namespace BookingSystem.Contracts;

/// <summary>One kind of event on <see cref="Topology.Exchange"/>: its <c>eventType</c> and routing key.</summary>
public abstract record EventKind(string EventType, string RoutingKey);

/// <summary>
/// An <see cref="EventKind"/> whose payload is <typeparamref name="TPayload"/> (the envelope's <c>data</c>).
/// </summary>
public sealed record EventKind<TPayload>(string EventType, string RoutingKey) : EventKind(EventType, RoutingKey)
    where TPayload : class;

/// <summary>A queue of the InventoryService and the one kind of event it is bound to and accepts.</summary>
public sealed record ConsumerQueue<TEvent>(string Queue, EventKind<TEvent> Event) where TEvent : class;

/// <summary>
/// Every event of the platform with its type, routing key and payload, and the InventoryService's consumer queues:
/// the one list the service's outbox and consumers, its broker topology, the CLI and the tests take them from.
/// </summary>
public static class EventCatalog
{
    public static EventKind<BookingCreated> BookingCreated { get; } =
        new(EventTypes.BookingCreated, RoutingKeys.BookingCreated);

    public static EventKind<PaymentSucceeded> PaymentSucceeded { get; } =
        new(EventTypes.PaymentSucceeded, RoutingKeys.PaymentSucceeded);

    public static EventKind<PaymentFailed> PaymentFailed { get; } =
        new(EventTypes.PaymentFailed, RoutingKeys.PaymentFailed);

    public static EventKind<InventoryReserved> InventoryReserved { get; } =
        new(EventTypes.InventoryReserved, RoutingKeys.InventoryReserved);

    public static EventKind<InventoryReservationFailed> InventoryReservationFailed { get; } =
        new(EventTypes.InventoryReservationFailed, RoutingKeys.InventoryReservationFailed);

    public static EventKind<InventoryReleased> InventoryReleased { get; } =
        new(EventTypes.InventoryReleased, RoutingKeys.InventoryReleased);

    public static EventKind<InventoryConfirmed> InventoryConfirmed { get; } =
        new(EventTypes.InventoryConfirmed, RoutingKeys.InventoryConfirmed);

    public static EventKind<LowStockAlert> LowStockAlert { get; } =
        new(EventTypes.LowStockAlert, RoutingKeys.LowStockAlert);

    /// <summary>Every kind, the platform's inputs first.</summary>
    public static IReadOnlyList<EventKind> All { get; } =
    [
        BookingCreated, PaymentSucceeded, PaymentFailed,
        InventoryReserved, InventoryReservationFailed, InventoryReleased, InventoryConfirmed, LowStockAlert,
    ];

    public static ConsumerQueue<BookingCreated> BookingCreatedQueue { get; } =
        new(Topology.BookingCreatedQueue, BookingCreated);

    public static ConsumerQueue<PaymentSucceeded> PaymentSucceededQueue { get; } =
        new(Topology.PaymentSucceededQueue, PaymentSucceeded);

    public static ConsumerQueue<PaymentFailed> PaymentFailedQueue { get; } =
        new(Topology.PaymentFailedQueue, PaymentFailed);

    /// <summary>
    /// The InventoryService's consumer queues with the routing key each is bound to, in the order tools show them.
    /// </summary>
    public static IReadOnlyList<(string Queue, string RoutingKey)> ConsumerQueues { get; } =
    [
        Entry(BookingCreatedQueue), Entry(PaymentSucceededQueue), Entry(PaymentFailedQueue),
    ];

    private static (string Queue, string RoutingKey) Entry<TEvent>(ConsumerQueue<TEvent> queue) where TEvent : class =>
        (queue.Queue, queue.Event.RoutingKey);

    /// <summary>The kind with this <c>eventType</c>, or null.</summary>
    public static EventKind? Find(string? eventType) =>
        All.FirstOrDefault(kind => string.Equals(kind.EventType, eventType, StringComparison.Ordinal));
}
