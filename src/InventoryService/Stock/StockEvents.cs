using BookingSystem.Contracts;
using BookingSystem.InventoryService.Messaging;

namespace BookingSystem.InventoryService.Stock;

/// <summary>What the stock feature publishes, as contract records written to the outbox.</summary>
public static class StockEvents
{
    /// <summary>Applies <see cref="LowStockRule"/> after a change of the item's counters and writes the alert it calls for.</summary>
    public static void LowStockIfCrossed(this Outbox outbox, InventoryItem item, string correlationId)
    {
        if (LowStockRule.Apply(item))
        {
            outbox.Add(EventCatalog.LowStockAlert,
                new LowStockAlert(item.ItemId, item.Total - item.Reserved, item.LowStockThreshold), correlationId);
        }
    }

    /// <summary>The same for one night of a nightly item, against the item's threshold.</summary>
    public static void LowStockIfCrossed(this Outbox outbox, InventoryItem item, ItemNight night, string correlationId)
    {
        if (LowStockRule.Apply(night, item.LowStockThreshold))
        {
            outbox.Add(EventCatalog.LowStockAlert,
                new LowStockAlert(item.ItemId, night.Available, item.LowStockThreshold, night.Night), correlationId);
        }
    }
}
