using BookingSystem.Contracts;

namespace BookingSystem.Cli.Messaging.Simulation;

/// <summary>
/// One counter the consistency check compares: a pool item's <c>reserved</c> units (<see cref="Night"/> null), or
/// one night's held + confirmed units of a nightly item.
/// </summary>
public readonly record struct CounterKey(string ItemId, DateOnly? Night = null)
{
    /// <summary>The counters a line moves: its item's, or each night of its stay <c>[checkIn, checkOut)</c>.</summary>
    public static IEnumerable<CounterKey> Of(BookingLine line)
    {
        if (line is not { CheckIn: { } night, CheckOut: { } end })
        {
            yield return new CounterKey(line.ItemId);
            yield break;
        }

        for (; night < end; night = night.AddDays(1))
        {
            yield return new CounterKey(line.ItemId, night);
        }
    }
}

public static class StockCounters
{
    /// <summary>
    /// The <c>reserved</c> counters of <paramref name="itemIds"/> as the item list shows them (an item it does not
    /// list has none).
    /// </summary>
    public static IReadOnlyDictionary<CounterKey, int> OfItems(
        IReadOnlyDictionary<string, StockItem> list, IEnumerable<string> itemIds) =>
        itemIds.Where(list.ContainsKey).ToDictionary(id => new CounterKey(id), id => list[id].Reserved);

    /// <summary>Per counter, the units <paramref name="lines"/> hold (quantity on each counter a line moves).</summary>
    public static Dictionary<CounterKey, int> Held(IEnumerable<BookingLine> lines)
    {
        var held = new Dictionary<CounterKey, int>();
        foreach (var line in lines)
        {
            foreach (var key in CounterKey.Of(line))
            {
                held[key] = held.GetValueOrDefault(key) + line.Quantity;
            }
        }

        return held;
    }
}
