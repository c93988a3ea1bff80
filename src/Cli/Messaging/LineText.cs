using System.Globalization;
using BookingSystem.Contracts;

namespace BookingSystem.Cli.Messaging;

/// <summary>
/// How the tools show a booking's lines: <c>ROOM-101 x2</c> for a pool item, and for a nightly line its stay as well,
/// <c>SUITE-1 x1 2027-06-03..2027-06-06 (3 nights)</c> (check-out is the day the guest leaves, not a night).
/// </summary>
public static class LineText
{
    public const string DateFormat = "yyyy-MM-dd";

    public static string Of(BookingLine line) => line switch
    {
        { CheckIn: { } first, CheckOut: { } end } => string.Create(CultureInfo.InvariantCulture,
            $"{line.ItemId} x{line.Quantity} {Date(first)}..{Date(end)} ({Nights(end.DayNumber - first.DayNumber)})"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{line.ItemId} x{line.Quantity}"),
    };

    public static string Of(IEnumerable<BookingLine> lines) => string.Join(", ", lines.Select(Of));

    /// <summary>A booking's lines as the service reads them: its items, or the single-item shorthand.</summary>
    public static IReadOnlyList<BookingLine> LinesOf(BookingCreated booking) =>
        booking.Items ?? ((booking.ItemId ?? booking.RoomId) is { } itemId
            ? [new BookingLine(itemId, booking.Quantity ?? 1, booking.CheckIn, booking.CheckOut)]
            : []);

    public static string Date(DateOnly date) => date.ToString(DateFormat, CultureInfo.InvariantCulture);

    private static string Nights(int count) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} night{(count == 1 ? "" : "s")}");
}
