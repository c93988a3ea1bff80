namespace BookingSystem.InventoryService.Reservations;

/// <summary>The stock held for one booking; at most one per <see cref="Key"/> (see <see cref="BookingKey"/>).</summary>
public sealed class Reservation
{
    public Guid Id { get; init; }

    /// <summary>The booking id as the client or the event gave it.</summary>
    public required string BookingId { get; init; }

    /// <summary>Unique: the booking id in the namespace of its <see cref="Origin"/>.</summary>
    public required string Key { get; init; }

    public ReservationOrigin Origin { get; init; }

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
