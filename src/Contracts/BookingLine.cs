using System.Text.Json.Serialization;

namespace BookingSystem.Contracts;

/// <summary>
/// One line of a booking. A line for a nightly item (a room type) names its stay: the nights
/// <c>[checkIn, checkOut)</c> as ISO dates in the item's time zone; a line for a pool item names none.
/// </summary>
public sealed record BookingLine(
    string ItemId,
    int Quantity,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateOnly? CheckIn = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateOnly? CheckOut = null);

/// <summary>
/// A line as the outcome events tell it: the booking's line, and for a nightly line that used a night's overbooking
/// allowance the nights it did (absent otherwise).
/// </summary>
public sealed record OutcomeLine(
    string ItemId,
    int Quantity,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateOnly? CheckIn = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateOnly? CheckOut = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    IReadOnlyList<DateOnly>? OverbookedNights = null)
{
    /// <summary>The booking's lines as an outcome event tells them (none overbooked).</summary>
    public static IReadOnlyList<OutcomeLine> Of(IEnumerable<BookingLine> lines) =>
        [.. lines.Select(l => new OutcomeLine(l.ItemId, l.Quantity, l.CheckIn, l.CheckOut))];

    public BookingLine AsBookingLine() => new(ItemId, Quantity, CheckIn, CheckOut);
}
