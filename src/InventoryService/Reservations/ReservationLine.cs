namespace BookingSystem.InventoryService.Reservations;

public sealed class ReservationLine
{
    public long Id { get; private set; }

    public Guid ReservationId { get; private set; }

    public required string ItemId { get; init; }

    public int Quantity { get; init; }
}
