namespace BookingSystem.InventoryService.Stock;

/// <summary>
/// LowStockAlert fires once when available stock falls to or below the item's threshold, and re-arms only
/// after it rises above the threshold again, so a level hovering at the threshold does not flood consumers.
/// </summary>
public static class LowStockRule
{
    /// <summary>Updates <see cref="InventoryItem.LowStockAlerted"/>; returns true when an alert must be published.</summary>
    public static bool Apply(InventoryItem item)
    {
        var isLow = item.Total - item.Reserved <= item.LowStockThreshold;
        var alert = isLow && !item.LowStockAlerted;
        item.LowStockAlerted = isLow;
        return alert;
    }
}
