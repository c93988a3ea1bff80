using System.Text.Json.Serialization;

namespace BookingSystem.Contracts;

/// <summary>
/// Stock is held for the booking until <see cref="ExpiresAt"/>. <see cref="Overbooked"/> is true (and absent
/// otherwise) when a night of a line is held within its overbooking allowance, beyond its capacity.
/// </summary>
public sealed record InventoryReserved(
    string BookingId,
    IReadOnlyList<OutcomeLine> Items,
    DateTimeOffset ExpiresAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Overbooked = null);
