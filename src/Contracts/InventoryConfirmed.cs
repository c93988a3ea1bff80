using System.Text.Json.Serialization;

namespace BookingSystem.Contracts;

/// <summary>Payment succeeded; the booking's stock is sold. <see cref="Overbooked"/> as in InventoryReserved.</summary>
public sealed record InventoryConfirmed(
    string BookingId,
    IReadOnlyList<OutcomeLine> Items,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? Overbooked = null);
