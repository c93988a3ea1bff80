using BookingSystem.Cli.Messaging;
using BookingSystem.Contracts;

namespace BookingSystem.Cli.Tests.Messaging;

public sealed class LineTextTests
{
    [Fact]
    public void A_pool_line_shows_item_and_quantity_and_a_stay_its_dates_and_nights()
    {
        BookingLine[] lines =
        [
            new("ROOM-101", 2),
            new("SUITE-1", 1, new DateOnly(2027, 6, 3), new DateOnly(2027, 6, 6)),
            new("SUITE-2", 3, new DateOnly(2027, 12, 31), new DateOnly(2028, 1, 1)),
        ];

        Assert.Equal(
            "ROOM-101 x2, SUITE-1 x1 2027-06-03..2027-06-06 (3 nights), SUITE-2 x3 2027-12-31..2028-01-01 (1 night)",
            LineText.Of(lines));
    }

    [Fact]
    public void A_booking_has_its_items_or_else_its_shorthand_as_lines()
    {
        var (checkIn, checkOut) = (new DateOnly(2027, 6, 3), new DateOnly(2027, 6, 6));

        Assert.Equal([new BookingLine("A", 2)], LineText.LinesOf(new BookingCreated("b", Items: [new("A", 2)])));
        Assert.Equal([new BookingLine("SUITE-1", 1, checkIn, checkOut)],
            LineText.LinesOf(new BookingCreated("b", RoomId: "SUITE-1", CheckIn: checkIn, CheckOut: checkOut)));
        Assert.Equal([new BookingLine("SUITE-2", 3)],
            LineText.LinesOf(new BookingCreated("b", ItemId: "SUITE-2", Quantity: 3)));
        Assert.Empty(LineText.LinesOf(new BookingCreated("b")));
    }
}
