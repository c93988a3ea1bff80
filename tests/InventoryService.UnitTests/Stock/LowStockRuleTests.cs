using BookingSystem.InventoryService.Stock;

namespace BookingSystem.InventoryService.UnitTests.Stock;

public sealed class LowStockRuleTests
{
    private static InventoryItem Item(int total, int reserved, int threshold, bool alerted = false) =>
        new() { ItemId = "A", Name = "A", Total = total, Reserved = reserved, LowStockThreshold = threshold, LowStockAlerted = alerted };

    [Fact]
    public void Falling_to_the_threshold_alerts_once()
    {
        var item = Item(total: 10, reserved: 5, threshold: 5);

        Assert.True(LowStockRule.Apply(item));
        item.Reserved = 6;
        Assert.False(LowStockRule.Apply(item));
        Assert.True(item.LowStockAlerted);
    }

    [Fact]
    public void Rising_above_the_threshold_re_arms()
    {
        var item = Item(total: 10, reserved: 6, threshold: 5, alerted: true);

        item.Reserved = 4;
        Assert.False(LowStockRule.Apply(item));
        Assert.False(item.LowStockAlerted);
        item.Reserved = 7;
        Assert.True(LowStockRule.Apply(item));
    }

    [Fact]
    public void Above_the_threshold_nothing_fires()
    {
        var item = Item(total: 10, reserved: 1, threshold: 5);

        Assert.False(LowStockRule.Apply(item));
        Assert.False(item.LowStockAlerted);
    }
}
