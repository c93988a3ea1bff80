namespace BookingSystem.InventoryService.Reservations;

public enum PaymentResult
{
    Succeeded,
    Failed,
}

/// <summary>
/// The first payment outcome seen for a booking. Remembered when it arrives before the booking (applied when the
/// booking comes), and the reason a second or conflicting outcome is logged instead of applied.
/// </summary>
public sealed class PaymentOutcome
{
    public required string BookingId { get; init; }

    public PaymentResult Result { get; init; }

    public required string EventId { get; init; }

    public required string CorrelationId { get; init; }

    public DateTimeOffset ReceivedAt { get; init; }

    public DateTimeOffset? AppliedAt { get; set; }
}
