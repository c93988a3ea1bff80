namespace BookingSystem.InventoryService.Stock;

/// <summary>Audit row of one change to an item's <see cref="InventoryItem.Total"/>.</summary>
public sealed class StockAdjustment
{
    public long Id { get; private set; }

    public required string ItemId { get; init; }

    public int Delta { get; init; }

    public AdjustmentReason ReasonCode { get; init; }

    public string? Note { get; init; }

    public required string PerformedBy { get; init; }

    public DateTimeOffset OccurredAt { get; init; }

    public int TotalAfter { get; init; }
}
