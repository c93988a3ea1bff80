namespace BookingSystem.InventoryService.Stock;

public enum ItemKind
{
    /// <summary>An undated count that a booking uses up until it is released (parking, breakfast, a voucher).</summary>
    Pool,

    /// <summary>A resource sold by the night (a room type): a capacity per night, in the item's time zone.</summary>
    Nightly,
}
