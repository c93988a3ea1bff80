namespace BookingSystem.InventoryService.Stock;

/// <summary>
/// One night of a <see cref="ItemKind.Nightly"/> item. A database CHECK keeps
/// <c>held + confirmed &lt;= capacity + overbooking_allowance</c> on every row.
/// </summary>
public sealed class ItemNight
{
    public required string ItemId { get; init; }

    /// <summary>The night, by its date in the item's time zone (the night from this date to the next).</summary>
    public DateOnly Night { get; init; }

    public int Capacity { get; set; }

    /// <summary>Units held by active holds.</summary>
    public int Held { get; set; }

    /// <summary>Units sold (paid).</summary>
    public int Confirmed { get; set; }

    /// <summary>Stop-sell: no new stay may include the night.</summary>
    public bool Closed { get; set; }

    /// <summary>The fewest nights a stay arriving on this night may have.</summary>
    public int MinStay { get; set; } = 1;

    /// <summary>Units a night may sell beyond its capacity.</summary>
    public int OverbookingAllowance { get; set; }

    /// <summary>
    /// A LowStockAlert was sent for the night and its availability has not risen above the threshold since.
    /// </summary>
    public bool LowStockAlerted { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>
    /// What a new booking can still take that night: 0 when closed, else capacity + allowance - sold - held.
    /// </summary>
    public int Available => Closed ? 0 : Math.Max(0, Capacity + OverbookingAllowance - Held - Confirmed);

    /// <summary>More is held or sold than the night's capacity (within its allowance).</summary>
    public bool Overbooked => Held + Confirmed > Capacity;
}
