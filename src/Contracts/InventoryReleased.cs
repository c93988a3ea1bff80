namespace BookingSystem.Contracts;

/// <summary>The booking's stock was given back. <see cref="Reason"/> is one of <see cref="ReleaseReasons"/>.</summary>
public sealed record InventoryReleased(string BookingId, string Reason, IReadOnlyList<OutcomeLine> Items);

public static class ReleaseReasons
{
    public const string PaymentFailed = nameof(PaymentFailed);
    public const string Expired = nameof(Expired);
    public const string Cancelled = nameof(Cancelled);
    public const string Manual = nameof(Manual);
}
