using BookingSystem.InventoryService.Validation;

namespace BookingSystem.InventoryService.Stock;

/// <summary>One line as a client or an event sends it; every field may be missing.</summary>
public sealed record LineInput(string? ItemId, int? Quantity);

/// <summary>A validated line: a known-good item id and a positive quantity.</summary>
public readonly record struct RequestedLine(string ItemId, int Quantity);

/// <summary>
/// Turns the two accepted shapes (a list of <c>items</c>, or the single-item shorthand
/// <c>itemId</c>/<c>roomId</c> + <c>quantity</c>) into one validated, merged list sorted by item id.
/// Shared by the HTTP API and the message consumers so both accept exactly the same input.
/// </summary>
public static class RequestedLines
{
    public const int MaxLines = 50;
    public const int MaxQuantityPerLine = 1_000;
    public const int DefaultQuantity = 1;

    public static IReadOnlyList<RequestedLine> Normalize(
        IReadOnlyList<LineInput?>? items, string? itemId, string? roomId, int? quantity, ValidationErrors errors)
    {
        var hasShorthand = itemId is not null || roomId is not null;
        if (items is not null && (hasShorthand || quantity is not null))
        {
            errors.Add("items", "Send either items or the single-item shorthand (itemId or roomId, quantity), not both.");
            return [];
        }

        if (items is null)
        {
            return NormalizeShorthand(itemId, roomId, quantity, errors);
        }

        if (items.Count == 0)
        {
            errors.Add("items", "At least one line is required.");
            return [];
        }

        if (items.Count > MaxLines)
        {
            errors.Add("items", $"At most {MaxLines} lines are allowed.");
            return [];
        }

        var lines = new List<RequestedLine>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            var line = items[i];
            if (line is null)
            {
                errors.Add($"items[{i}]", "A line must be an object with itemId and quantity.");
                continue;
            }

            var validItem = CheckItemId($"items[{i}].itemId", line.ItemId, errors);
            var validQuantity = CheckQuantity($"items[{i}].quantity", line.Quantity, errors);
            if (validItem && validQuantity)
            {
                lines.Add(new RequestedLine(line.ItemId!, line.Quantity!.Value));
            }
        }

        return errors.IsEmpty ? Merge(lines, errors) : [];
    }

    private static IReadOnlyList<RequestedLine> NormalizeShorthand(string? itemId, string? roomId, int? quantity, ValidationErrors errors)
    {
        if (itemId is not null && roomId is not null && !string.Equals(itemId, roomId, StringComparison.Ordinal))
        {
            errors.Add("roomId", "roomId and itemId name different items; send one of them.");
            return [];
        }

        var id = itemId ?? roomId;
        if (id is null)
        {
            errors.Add("items", "Send items, or itemId (or roomId) with quantity.");
            return [];
        }

        var validItem = CheckItemId(itemId is null ? "roomId" : "itemId", id, errors);
        var validQuantity = CheckQuantity("quantity", quantity ?? DefaultQuantity, errors);
        return validItem && validQuantity ? [new RequestedLine(id, quantity ?? DefaultQuantity)] : [];
    }

    /// <summary>Duplicate item lines are summed; the order is the lock order (ordinal item id).</summary>
    private static IReadOnlyList<RequestedLine> Merge(List<RequestedLine> lines, ValidationErrors errors)
    {
        var merged = lines
            .GroupBy(l => l.ItemId, StringComparer.Ordinal)
            .Select(g => new RequestedLine(g.Key, g.Sum(l => l.Quantity)))
            .OrderBy(l => l.ItemId, StringComparer.Ordinal)
            .ToList();
        foreach (var line in merged.Where(l => l.Quantity > MaxQuantityPerLine))
        {
            errors.Add("items", $"The lines for {line.ItemId} add up to {line.Quantity}; at most {MaxQuantityPerLine} per item.");
        }

        return errors.IsEmpty ? merged : [];
    }

    private static bool CheckItemId(string field, string? value, ValidationErrors errors)
    {
        errors.RequireIdentifier(field, value);
        return Identifiers.IsValid(value);
    }

    private static bool CheckQuantity(string field, int? value, ValidationErrors errors)
    {
        errors.RequireRange(field, value, 1, MaxQuantityPerLine);
        return value is >= 1 and <= MaxQuantityPerLine;
    }
}
