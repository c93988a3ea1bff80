namespace BookingSystem.InventoryService.Stock;

public enum ShortfallReason
{
    UnknownItem,
    InsufficientStock,
}

/// <summary>How one requested line compares with the stock; <see cref="Available"/> is null for an unknown item.</summary>
public sealed record LineAvailability(string ItemId, int Requested, int? Available, ShortfallReason? Reason)
{
    public bool IsAvailable => Reason is null;
}

public static class Availability
{
    public static IReadOnlyList<LineAvailability> Evaluate(
        IReadOnlyList<RequestedLine> lines, IReadOnlyDictionary<string, InventoryItem> itemsById) =>
        lines.Select(line => itemsById.TryGetValue(line.ItemId, out var item)
                ? new LineAvailability(line.ItemId, line.Quantity, item.Total - item.Reserved,
                    item.Total - item.Reserved >= line.Quantity ? null : ShortfallReason.InsufficientStock)
                : new LineAvailability(line.ItemId, line.Quantity, null, ShortfallReason.UnknownItem))
            .ToList();
}
