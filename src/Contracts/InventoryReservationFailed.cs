namespace BookingSystem.Contracts;

/// <summary>
/// No stock is held for the booking. <see cref="Reason"/> is one of <see cref="ReservationFailureReasons"/>;
/// <see cref="Lines"/> says per line what was asked and what was available (null for an unknown item).
/// </summary>
public sealed record InventoryReservationFailed(string BookingId, string Reason, IReadOnlyList<LineShortfall> Lines);

public sealed record LineShortfall(string ItemId, int Requested, int? Available, string? Reason);

public static class ReservationFailureReasons
{
    public const string InsufficientStock = nameof(InsufficientStock);
    public const string UnknownItem = nameof(UnknownItem);

    /// <summary>Payment succeeded after the hold expired and the stock could not be taken again: refund.</summary>
    public const string HoldExpired = nameof(HoldExpired);

    /// <summary>Payment succeeded after the reservation was released (cancelled, or an earlier payment failed) and the stock could not be taken again: refund.</summary>
    public const string Released = nameof(Released);

    /// <summary>A new <c>BookingCreated</c> for a booking whose hold already expired: nothing was reserved.</summary>
    public const string AlreadyExpired = nameof(AlreadyExpired);

    /// <summary>A new <c>BookingCreated</c> for a booking already released: nothing was reserved.</summary>
    public const string AlreadyReleased = nameof(AlreadyReleased);

    /// <summary>The booking's user already holds the most reservations one user may (<c>Reservations:MaxActiveHoldsPerUser</c>).</summary>
    public const string TooManyHolds = nameof(TooManyHolds);

    /// <summary>A successful payment waited longer than the retention for its booking, which never came: refund.</summary>
    public const string BookingNeverArrived = nameof(BookingNeverArrived);
}
