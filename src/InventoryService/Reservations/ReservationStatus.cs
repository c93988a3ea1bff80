namespace BookingSystem.InventoryService.Reservations;

public enum ReservationStatus
{
    /// <summary>Stock is held until <see cref="Reservation.ExpiresAt"/>.</summary>
    Reserved,

    /// <summary>Paid: the stock stays taken.</summary>
    Confirmed,

    /// <summary>Given back before expiry (payment failed, cancelled, manual).</summary>
    Released,

    /// <summary>The hold ran out and the sweeper gave the stock back.</summary>
    Expired,
}
