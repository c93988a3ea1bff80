namespace BookingSystem.InventoryService.Stock;

/// <summary>
/// An item. For a <see cref="ItemKind.Nightly"/> item <c>total</c> is the capacity of the nights the horizon job adds
/// and the counts are per night: read them from its calendar.
/// </summary>
public sealed record ItemResponse(
    string ItemId, string Name, string Location, int Total, int Reserved, int Available, int LowStockThreshold,
    bool IsLowStock, bool IsOutOfStock, DateTimeOffset UpdatedAt, ItemKind Kind = ItemKind.Pool,
    string? TimeZone = null)
{
    public static ItemResponse From(InventoryItem item)
    {
        var available = item.Total - item.Reserved;
        return new(item.ItemId, item.Name, item.Location, item.Total, item.Reserved, available, item.LowStockThreshold,
            IsLowStock: available > 0 && available <= item.LowStockThreshold, IsOutOfStock: available <= 0,
            item.UpdatedAt, item.Kind, item.TimeZone);
    }
}

public sealed record ItemPage(IReadOnlyList<ItemResponse> Items, int Page, int PageSize, int TotalCount);

/// <summary>
/// Same line shapes as a reservation: <c>items</c>, or <c>itemId</c>/<c>roomId</c> + <c>quantity</c>, with
/// <c>checkIn</c>/<c>checkOut</c> for a nightly item.
/// </summary>
public sealed record AvailabilityRequest(
    IReadOnlyList<LineInput?>? Items, string? ItemId, string? RoomId, int? Quantity, DateOnly? CheckIn = null,
    DateOnly? CheckOut = null)
{
    public ShorthandInput Shorthand => new(ItemId, RoomId, Quantity, CheckIn, CheckOut);
}

public sealed record AvailabilityResponse(bool IsAvailable, IReadOnlyList<LineAvailability> Lines);

/// <summary>
/// <c>kind</c>: Pool (default) or Nightly; a nightly item's <c>total</c> is the capacity of each night, and
/// <c>timeZone</c> (IANA id) says which date a night is (default: <c>Nightly:DefaultTimeZone</c>).
/// </summary>
public sealed record CreateItemRequest(
    string? ItemId, string? Name, string? Location, int? Total, int? LowStockThreshold, ItemKind? Kind = null,
    string? TimeZone = null);

public sealed record AdjustmentRequest(string? ItemId, int? Delta, AdjustmentReason? ReasonCode, string? Note);

public sealed record AdjustmentResponse(
    long Id, string ItemId, int Delta, AdjustmentReason ReasonCode, string? Note, string PerformedBy, DateTimeOffset OccurredAt, int TotalAfter)
{
    public static AdjustmentResponse From(StockAdjustment a) =>
        new(a.Id, a.ItemId, a.Delta, a.ReasonCode, a.Note, a.PerformedBy, a.OccurredAt, a.TotalAfter);
}

public sealed record AdjustmentResult(AdjustmentResponse Adjustment, ItemResponse Item);
