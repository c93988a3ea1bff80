namespace BookingSystem.Contracts;

/// <summary>Stock is held for the booking until <see cref="ExpiresAt"/>.</summary>
public sealed record InventoryReserved(string BookingId, IReadOnlyList<BookingLine> Items, DateTimeOffset ExpiresAt);
