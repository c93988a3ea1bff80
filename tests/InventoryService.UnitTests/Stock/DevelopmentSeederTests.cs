using BookingSystem.InventoryService.Stock;

namespace BookingSystem.InventoryService.UnitTests.Stock;

public sealed class DevelopmentSeederTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 21, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_same_count_gives_the_same_items_every_time()
    {
        var first = DevelopmentSeeder.CreateItems(50, Now).Select(i => (i.ItemId, i.Total, i.Location));
        var second = DevelopmentSeeder.CreateItems(50, Now).Select(i => (i.ItemId, i.Total, i.Location));

        Assert.Equal(first, second);
    }

    [Fact]
    public void Stock_levels_follow_the_documented_mix()
    {
        var items = DevelopmentSeeder.CreateItems(2_000, Now);

        var soldOut = items.Count(i => i.Total == 0) / 2_000.0;
        var low = items.Count(i => i.Total is >= 1 and <= 10) / 2_000.0;
        var normal = items.Count(i => i.Total is >= 20 and <= 100) / 2_000.0;

        Assert.InRange(soldOut, 0.07, 0.13);
        Assert.InRange(low, 0.16, 0.24);
        Assert.InRange(normal, 0.65, 0.75);
        Assert.Equal(1.0, soldOut + low + normal, precision: 6);
    }

    [Fact]
    public void Item_ids_are_room_numbers_from_101()
    {
        var items = DevelopmentSeeder.CreateItems(3, Now);

        Assert.Equal(["ROOM-101", "ROOM-102", "ROOM-103"], items.Select(i => i.ItemId));
        Assert.All(items, i => Assert.Equal(0, i.Reserved));
    }
}
