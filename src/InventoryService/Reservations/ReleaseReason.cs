namespace BookingSystem.InventoryService.Reservations;

public enum ReleaseReason
{
    PaymentFailed,
    Expired,
    Cancelled,
    Manual,
}
