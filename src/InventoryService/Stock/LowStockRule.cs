namespace BookingSystem.InventoryService.Stock;

/// <summary>
/// LowStockAlert fires once when available stock falls to or below the item's threshold, and re-arms only
/// after it rises above the threshold again, so a level hovering at the threshold does not flood consumers. A nightly
/// item's nights follow the same rule each on its own, against the item's threshold.
/// </summary>
public static class LowStockRule
{
    /// <summary>
    /// Updates <see cref="InventoryItem.LowStockAlerted"/>; returns true when an alert must be published.
    /// </summary>
    public static bool Apply(InventoryItem item)
    {
        var (alert, alerted) = Decide(item.Total - item.Reserved, item.LowStockThreshold, item.LowStockAlerted);
        item.LowStockAlerted = alerted;
        return alert;
    }

    /// <summary>
    /// Updates <see cref="ItemNight.LowStockAlerted"/>; returns true when an alert must be published.
    /// </summary>
    public static bool Apply(ItemNight night, int threshold)
    {
        var (alert, alerted) = Decide(night.Available, threshold, night.LowStockAlerted);
        night.LowStockAlerted = alerted;
        return alert;
    }

    private static (bool Alert, bool Alerted) Decide(int available, int threshold, bool alerted)
    {
        var isLow = available <= threshold;
        return (isLow && !alerted, isLow);
    }
}
