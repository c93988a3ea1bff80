using BookingSystem.Contracts;

namespace BookingSystem.Cli.Messaging;

/// <summary>Which routing key an event type travels under.</summary>
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

    public static string? RoutingKeyOf(string? eventType) =>
        eventType is not null && ByEventType.TryGetValue(eventType, out var key) ? key : null;
}
