namespace BookingSystem.Contracts;

/// <summary>Payment succeeded; the booking's stock is sold.</summary>
public sealed record InventoryConfirmed(string BookingId, IReadOnlyList<BookingLine> Items);
