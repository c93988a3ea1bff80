namespace BookingSystem.Contracts;

/// <summary>Routing keys on <see cref="Topology.Exchange"/>; never derived from type names.</summary>
public static class RoutingKeys
{
    public const string BookingCreated = "booking.created";
    public const string PaymentSucceeded = "payment.succeeded";
    public const string PaymentFailed = "payment.failed";
    public const string InventoryReserved = "inventory.reserved";
    public const string InventoryReservationFailed = "inventory.reservation-failed";
    public const string InventoryReleased = "inventory.released";
    public const string InventoryConfirmed = "inventory.confirmed";
    public const string LowStockAlert = "inventory.low-stock";
}
