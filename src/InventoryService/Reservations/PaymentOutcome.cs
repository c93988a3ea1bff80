namespace BookingSystem.InventoryService.Reservations;

public enum PaymentResult
{
    Succeeded,
    Failed,
}

/// <summary>
/// The payment outcome that counts for a booking: remembered when it arrives before the booking (applied when the
/// booking comes, or expired after <see cref="ReservationOptions.PaymentRetention"/>), and replaced by a later,
/// different outcome that was acted on (a successful retry after a failure, see ReservationService).
/// </summary>
public sealed class PaymentOutcome
{
    public required string BookingId { get; init; }

    public PaymentResult Result { get; set; }

    public required string EventId { get; set; }

    public required string CorrelationId { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    public DateTimeOffset? AppliedAt { get; set; }
}
