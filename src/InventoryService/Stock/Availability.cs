using BookingSystem.Contracts;

namespace BookingSystem.InventoryService.Stock;

public enum ShortfallReason
{
    UnknownItem,
    InsufficientStock,

    /// <summary>A night of the stay is closed to sale.</summary>
    Closed,

    /// <summary>Arrivals on the stay's first night need a longer stay.</summary>
    MinStay,

    /// <summary>A night of the stay is not on sale (beyond the nights that exist).</summary>
    OutsideHorizon,
}

/// <summary>A night of a stay that cannot be had, and what it has available.</summary>
public sealed record NightAvailability(DateOnly Night, ShortfallReason Reason, int? Available);

/// <summary>
/// How one requested line compares with the stock; <see cref="Available"/> is null for an unknown item. For a nightly
/// line: its <see cref="Stay"/>, <see cref="Available"/> is the lowest over the stay, and <see cref="Nights"/> lists
/// the nights that cannot be had.
/// </summary>
public sealed record LineAvailability(
    string ItemId, int Requested, int? Available, ShortfallReason? Reason, Stay? Stay = null,
    IReadOnlyList<NightAvailability>? Nights = null)
{
    public bool IsAvailable => Reason is null;
}

/// <summary>
/// Compares requested lines with the stock: a pool item's count, or every night of a nightly line's stay.
/// </summary>
public static class Availability
{
    /// <param name="night">A night of a nightly item as the caller has it (locked, or read); null when absent.</param>
    public static IReadOnlyList<LineAvailability> Evaluate(
        IReadOnlyList<RequestedLine> lines, IReadOnlyDictionary<string, InventoryItem> itemsById,
        Func<string, DateOnly, ItemNight?> night)
    {
        // Lines of one booking on the same item and night add up: the night must have room for all of them.
        var demand = new Dictionary<(string, DateOnly), int>();
        foreach (var line in lines)
        {
            foreach (var date in line.Stay?.Nights() ?? [])
            {
                demand[(line.ItemId, date)] = demand.GetValueOrDefault((line.ItemId, date)) + line.Quantity;
            }
        }

        return [.. lines.Select(line => itemsById.TryGetValue(line.ItemId, out var item) && Fits(item, line)
            ? line.Stay is { } stay ? EvaluateStay(line, stay, demand, night) : EvaluatePool(line, item)
            : new LineAvailability(line.ItemId, line.Quantity, null, ShortfallReason.UnknownItem, line.Stay))];
    }

    /// <summary>
    /// The reason a booking's failure event gives: an unknown item first, then the night rules (horizon, closed,
    /// minimum stay), then the counts.
    /// </summary>
    public static string FailureReason(IEnumerable<LineAvailability> lines)
    {
        var reasons = lines.SelectMany(l => l.Nights?.Select(n => (ShortfallReason?)n.Reason) ?? [l.Reason])
            .OfType<ShortfallReason>()
            .ToHashSet();
        ShortfallReason[] order =
        [
            ShortfallReason.UnknownItem, ShortfallReason.OutsideHorizon, ShortfallReason.Closed,
            ShortfallReason.MinStay,
        ];
        return order.FirstOrDefault(reasons.Contains, ShortfallReason.InsufficientStock) switch
        {
            ShortfallReason.UnknownItem => ReservationFailureReasons.UnknownItem,
            ShortfallReason.OutsideHorizon => ReservationFailureReasons.OutsideHorizon,
            ShortfallReason.Closed => ReservationFailureReasons.Closed,
            ShortfallReason.MinStay => ReservationFailureReasons.MinStay,
            _ => ReservationFailureReasons.InsufficientStock,
        };
    }

    /// <summary>A dated line needs a nightly item and an undated one a pool (validation saw to it, unless the item
    /// was unknown then).</summary>
    private static bool Fits(InventoryItem item, RequestedLine line) =>
        (item.Kind == ItemKind.Nightly) == (line.Stay is not null);

    private static LineAvailability EvaluatePool(RequestedLine line, InventoryItem item)
    {
        var available = item.Total - item.Reserved;
        return new LineAvailability(line.ItemId, line.Quantity, available,
            available >= line.Quantity ? null : ShortfallReason.InsufficientStock);
    }

    private static LineAvailability EvaluateStay(
        RequestedLine line, Stay stay, Dictionary<(string, DateOnly), int> demand,
        Func<string, DateOnly, ItemNight?> nightOf)
    {
        var failing = new List<NightAvailability>();
        int? lowest = null;
        foreach (var date in stay.Nights())
        {
            var night = nightOf(line.ItemId, date);
            var reason = night switch
            {
                null => ShortfallReason.OutsideHorizon,
                { Closed: true } => ShortfallReason.Closed,
                _ when date == stay.CheckIn && night.MinStay > stay.Length => ShortfallReason.MinStay,
                _ when night.Available < demand[(line.ItemId, date)] => ShortfallReason.InsufficientStock,
                _ => (ShortfallReason?)null,
            };
            lowest = night is null ? lowest : Math.Min(lowest ?? int.MaxValue, night.Available);
            if (reason is { } why)
            {
                failing.Add(new NightAvailability(date, why, night?.Available));
            }
        }

        return new LineAvailability(line.ItemId, line.Quantity, lowest ?? 0,
            failing.Count == 0 ? null : failing[0].Reason, stay, failing.Count == 0 ? null : failing);
    }
}
