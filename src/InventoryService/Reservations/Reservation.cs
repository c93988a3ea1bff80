namespace BookingSystem.InventoryService.Reservations;

/// <summary>The stock held for one booking; at most one per <see cref="BookingId"/>.</summary>
public sealed class Reservation
{
    public Guid Id { get; init; }

    public required string BookingId { get; init; }

    public string? UserId { get; init; }

    public ReservationStatus Status { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? ConfirmedAt { get; set; }

    public DateTimeOffset? ReleasedAt { get; set; }

    public ReleaseReason? ReleaseReason { get; set; }

    public required string CorrelationId { get; init; }

    public uint Version { get; private set; }

    public List<ReservationLine> Lines { get; init; } = [];
}
