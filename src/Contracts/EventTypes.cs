namespace BookingSystem.Contracts;

/// <summary>Values of the envelope's <c>eventType</c> and the AMQP <c>type</c> property.</summary>
public static class EventTypes
{
    public const string BookingCreated = nameof(BookingCreated);
    public const string PaymentSucceeded = nameof(PaymentSucceeded);
    public const string PaymentFailed = nameof(PaymentFailed);
    public const string InventoryReserved = nameof(InventoryReserved);
    public const string InventoryReservationFailed = nameof(InventoryReservationFailed);
    public const string InventoryReleased = nameof(InventoryReleased);
    public const string InventoryConfirmed = nameof(InventoryConfirmed);
    public const string LowStockAlert = nameof(LowStockAlert);
}
