using System.Text.Json.Serialization;

namespace BookingSystem.Contracts;

/// <summary>
/// An item's available stock fell to or below its threshold. Fires once per crossing; re-arms when the
/// available stock rises above the threshold again. For a nightly item it is about one <see cref="Night"/> (absent for
/// a pool item), with the same hysteresis per night.
/// </summary>
public sealed record LowStockAlert(
    string ItemId,
    int Available,
    int Threshold,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateOnly? Night = null);
