using BookingSystem.InventoryService.Reservations;
using BookingSystem.InventoryService.Stock;

namespace BookingSystem.InventoryService.UnitTests.Stock;

public sealed class AvailabilityTests
{
    private static InventoryItem Item(string id, int total, int reserved) =>
        new() { ItemId = id, Name = id, Total = total, Reserved = reserved };

    [Fact]
    public void Each_line_is_compared_with_total_minus_reserved()
    {
        var items = new Dictionary<string, InventoryItem> { ["A"] = Item("A", 10, 7), ["B"] = Item("B", 5, 0) };

        var result = Availability.Evaluate([new RequestedLine("A", 3), new RequestedLine("B", 6), new RequestedLine("C", 1)], items, (_, _) => null);

        Assert.Equal(
            [
                new LineAvailability("A", 3, 3, null),
                new LineAvailability("B", 6, 5, ShortfallReason.InsufficientStock),
                new LineAvailability("C", 1, null, ShortfallReason.UnknownItem),
            ],
            result);
    }

    [Fact]
    public void Rejected_results_prefer_unknown_items_over_shortfalls()
    {
        var result = ReserveResult.Rejected(
        [
            new LineAvailability("A", 1, 0, ShortfallReason.InsufficientStock),
            new LineAvailability("B", 1, null, ShortfallReason.UnknownItem),
        ]);

        Assert.Equal(ReserveOutcome.UnknownItems, result.Outcome);
    }
}
