using BookingSystem.InventoryService.Stock;

namespace BookingSystem.InventoryService.Reservations;

public sealed class ReservationLine
{
    public long Id { get; private set; }

    public Guid ReservationId { get; private set; }

    public required string ItemId { get; init; }

    public int Quantity { get; init; }

    /// <summary>A nightly line's first night; null on a pool line.</summary>
    public DateOnly? CheckIn { get; init; }

    /// <summary>
    /// A nightly line's departure date (the stay is <c>[CheckIn, CheckOut)</c>); null on a pool line.
    /// </summary>
    public DateOnly? CheckOut { get; init; }

    /// <summary>The nights this line holds within their overbooking allowance, as of when it last took them.</summary>
    public DateOnly[]? OverbookedNights { get; set; }

    public bool IsNightly => CheckIn is not null;

    /// <summary>The nights of a nightly line's stay; none for a pool line.</summary>
    public IEnumerable<DateOnly> Nights() => Stay.NightsOf(CheckIn, CheckOut);
}
