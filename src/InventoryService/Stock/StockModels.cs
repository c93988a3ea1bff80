namespace BookingSystem.InventoryService.Stock;

public sealed record ItemResponse(
    string ItemId, string Name, string Location, int Total, int Reserved, int Available, int LowStockThreshold,
    bool IsLowStock, bool IsOutOfStock, DateTimeOffset UpdatedAt)
{
    public static ItemResponse From(InventoryItem item)
    {
        var available = item.Total - item.Reserved;
        return new(item.ItemId, item.Name, item.Location, item.Total, item.Reserved, available, item.LowStockThreshold,
            IsLowStock: available > 0 && available <= item.LowStockThreshold, IsOutOfStock: available <= 0, item.UpdatedAt);
    }
}

public sealed record ItemPage(IReadOnlyList<ItemResponse> Items, int Page, int PageSize, int TotalCount);

/// <summary>Same line shapes as a reservation: <c>items</c>, or <c>itemId</c>/<c>roomId</c> + <c>quantity</c>.</summary>
public sealed record AvailabilityRequest(IReadOnlyList<LineInput?>? Items, string? ItemId, string? RoomId, int? Quantity);

public sealed record AvailabilityResponse(bool IsAvailable, IReadOnlyList<LineAvailability> Lines);

public sealed record CreateItemRequest(string? ItemId, string? Name, string? Location, int? Total, int? LowStockThreshold);

public sealed record AdjustmentRequest(string? ItemId, int? Delta, AdjustmentReason? ReasonCode, string? Note);

public sealed record AdjustmentResponse(
    long Id, string ItemId, int Delta, AdjustmentReason ReasonCode, string? Note, string PerformedBy, DateTimeOffset OccurredAt, int TotalAfter)
{
    public static AdjustmentResponse From(StockAdjustment a) =>
        new(a.Id, a.ItemId, a.Delta, a.ReasonCode, a.Note, a.PerformedBy, a.OccurredAt, a.TotalAfter);
}

public sealed record AdjustmentResult(AdjustmentResponse Adjustment, ItemResponse Item);
