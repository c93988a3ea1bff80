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

    /// <summary>Payment succeeded after the reservation was released (cancelled): refund.</summary>
    public const string Released = nameof(Released);
}
