using BookingSystem.InventoryService.Validation;

namespace BookingSystem.InventoryService.Stock;

/// <summary>One line as a client or an event sends it; every field may be missing.</summary>
public sealed record LineInput(string? ItemId, int? Quantity, DateOnly? CheckIn = null, DateOnly? CheckOut = null);

/// <summary>
/// The single-item shorthand of a request: <c>itemId</c> or <c>roomId</c>, <c>quantity</c>, and a stay.
/// </summary>
public sealed record ShorthandInput(
    string? ItemId, string? RoomId, int? Quantity, DateOnly? CheckIn = null, DateOnly? CheckOut = null)
{
    public bool IsEmpty => this is { ItemId: null, RoomId: null, Quantity: null, CheckIn: null, CheckOut: null };
}

/// <summary>
/// A validated line: a known-good item id, a positive quantity, and for a nightly item its <see cref="Stay"/>.
/// </summary>
public readonly record struct RequestedLine(string ItemId, int Quantity, Stay? Stay = null);

/// <summary>
/// Turns the two accepted shapes (a list of <c>items</c>, or the single-item shorthand
/// <c>itemId</c>/<c>roomId</c> + <c>quantity</c>) into one validated, merged list sorted by item id (and stay).
/// Shared by the HTTP API and the message consumers so both accept exactly the same input; the dates of each line are
/// checked against its item by <see cref="StayRules"/>.
/// </summary>
public static class RequestedLines
{
    public const int MaxLines = 50;
    public const int MaxQuantityPerLine = 1_000;
    public const int DefaultQuantity = 1;

    /// <summary>
    /// The item ids a request names (to load into the <see cref="ItemCatalogue"/> before checking it).
    /// </summary>
    public static IEnumerable<string?> ItemIds(IReadOnlyList<LineInput?>? items, ShorthandInput shorthand) =>
        items?.Select(l => l?.ItemId) ?? [shorthand.ItemId ?? shorthand.RoomId];

    public static IReadOnlyList<RequestedLine> Normalize(
        IReadOnlyList<LineInput?>? items, ShorthandInput shorthand, StayRules stays, ValidationErrors errors)
    {
        if (items is not null && !shorthand.IsEmpty)
        {
            errors.Add("items",
                "Send either items or the single-item shorthand (itemId or roomId, quantity, checkIn, checkOut), " +
                "not both.");
            return [];
        }

        if (items is null)
        {
            return NormalizeShorthand(shorthand, stays, errors);
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
                var stay = stays.Check($"items[{i}].", line.ItemId!, line.CheckIn, line.CheckOut, errors);
                lines.Add(new RequestedLine(line.ItemId!, line.Quantity!.Value, stay));
            }
        }

        return errors.IsEmpty ? Merge(lines, errors) : [];
    }

    private static IReadOnlyList<RequestedLine> NormalizeShorthand(
        ShorthandInput shorthand, StayRules stays, ValidationErrors errors)
    {
        var (itemId, roomId, quantity) = (shorthand.ItemId, shorthand.RoomId, shorthand.Quantity);
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
        if (!validItem || !validQuantity)
        {
            return [];
        }

        var stay = stays.Check("", id, shorthand.CheckIn, shorthand.CheckOut, errors);
        return errors.IsEmpty ? [new RequestedLine(id, quantity ?? DefaultQuantity, stay)] : [];
    }

    /// <summary>
    /// Lines for the same item (and stay) are summed; the order is the lock order (ordinal item id, then stay).
    /// </summary>
    private static IReadOnlyList<RequestedLine> Merge(List<RequestedLine> lines, ValidationErrors errors)
    {
        var merged = InOrder(lines
            .GroupBy(l => (l.ItemId, l.Stay))
            .Select(g => new RequestedLine(g.Key.ItemId, g.Sum(l => l.Quantity), g.Key.Stay)))
            .ToList();
        foreach (var line in merged.Where(l => l.Quantity > MaxQuantityPerLine))
        {
            errors.Add("items", $"The lines for {line.ItemId} add up to {line.Quantity}; at most {MaxQuantityPerLine} per item.");
        }

        return errors.IsEmpty ? merged : [];
    }

    /// <summary>The one order of lines: by item id (ordinal), then check-in, then quantity.</summary>
    public static IEnumerable<RequestedLine> InOrder(IEnumerable<RequestedLine> lines) =>
        lines.OrderBy(l => l.ItemId, StringComparer.Ordinal).ThenBy(l => l.Stay?.CheckIn).ThenBy(l => l.Stay?.CheckOut)
            .ThenBy(l => l.Quantity);

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
