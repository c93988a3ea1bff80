namespace BookingSystem.Contracts;

/// <summary>
/// An item's available stock fell to or below its threshold. Fires once per crossing; re-arms when the
/// available stock rises above the threshold again.
/// </summary>
public sealed record LowStockAlert(string ItemId, int Available, int Threshold);
