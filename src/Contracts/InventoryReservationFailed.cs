using System.Text.Json.Serialization;

namespace BookingSystem.Contracts;

/// <summary>
/// No stock is held for the booking. <see cref="Reason"/> is one of <see cref="ReservationFailureReasons"/>;
/// <see cref="Lines"/> says per line what was asked and what was available (null for an unknown item).
/// </summary>
public sealed record InventoryReservationFailed(string BookingId, string Reason, IReadOnlyList<LineShortfall> Lines);

/// <summary>
/// One line compared with the stock. For a nightly line: its stay, and the nights that cannot be had
/// (<see cref="Nights"/>; <see cref="Available"/> is then the lowest available count over the stay).
/// </summary>
public sealed record LineShortfall(
    string ItemId,
    int Requested,
    int? Available,
    string? Reason,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateOnly? CheckIn = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateOnly? CheckOut = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    IReadOnlyList<NightShortfall>? Nights = null);

/// <summary>
/// A night of a stay that cannot be had: <see cref="Reason"/> is <c>InsufficientStock</c> (with what is available),
/// <c>Closed</c> (stop-sell), <c>MinStay</c> (arrivals that night need a longer stay) or <c>OutsideHorizon</c> (the
/// night is not on sale yet).
/// </summary>
public sealed record NightShortfall(DateOnly Night, string Reason, int? Available);

public static class ReservationFailureReasons
{
    public const string InsufficientStock = nameof(InsufficientStock);
    public const string UnknownItem = nameof(UnknownItem);

    /// <summary>A night of a stay is closed to sale (stop-sell).</summary>
    public const string Closed = nameof(Closed);

    /// <summary>The stay is shorter than the minimum stay for arrivals on its first night.</summary>
    public const string MinStay = nameof(MinStay);

    /// <summary>A night of the stay is beyond the nights on sale (the booking horizon).</summary>
    public const string OutsideHorizon = nameof(OutsideHorizon);

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
