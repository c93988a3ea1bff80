namespace BookingSystem.InventoryService.Stock;

/// <summary>A bookable item (a room, a seat, ...) identified by its business key <see cref="ItemId"/>.</summary>
public sealed class InventoryItem
{
    public const string DefaultLocation = "Main";
    public const int DefaultLowStockThreshold = 10;

    public long Id { get; private set; }

    public required string ItemId { get; init; }

    public required string Name { get; set; }

    public string Location { get; set; } = DefaultLocation;

    /// <summary>Set at creation, never changed.</summary>
    public ItemKind Kind { get; init; } = ItemKind.Pool;

    /// <summary>
    /// A nightly item's time zone (IANA id): which date a night is, and which nights are past. Null for a pool.
    /// </summary>
    public string? TimeZone { get; init; }

    /// <summary>A pool's count; a nightly item's capacity for the nights the horizon job adds.</summary>
    public int Total { get; set; }

    public int Reserved { get; set; }

    /// <summary><c>Total - Reserved</c>, a stored generated column so that stock filters run in SQL.</summary>
    public int Available { get; private set; }

    public int LowStockThreshold { get; set; } = DefaultLowStockThreshold;

    /// <summary>A LowStockAlert was sent and available stock has not risen above the threshold since.</summary>
    public bool LowStockAlerted { get; set; }

    /// <summary>PostgreSQL's <c>xmin</c>: a concurrency token that costs no column.</summary>
    public uint Version { get; private set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }
}
