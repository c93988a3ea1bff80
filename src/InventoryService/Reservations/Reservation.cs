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

    /// <summary>
    /// Changed only by <see cref="MoveTo"/>, with a transition <see cref="ReservationTransitions"/> decided.
    /// </summary>
    public ReservationStatus Status { get; private set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? ConfirmedAt { get; private set; }

    public DateTimeOffset? ReleasedAt { get; private set; }

    public ReleaseReason? ReleaseReason { get; private set; }

    public required string CorrelationId { get; init; }

    public uint Version { get; private set; }

    public List<ReservationLine> Lines { get; init; } = [];

    /// <summary>
    /// Enters the status an applied <paramref name="transition"/> leads to, with its time stamps: confirmed (a
    /// confirmation after the hold ended clears the release), or released/expired for <paramref name="reason"/>.
    /// </summary>
    public void MoveTo(Transition transition, ReleaseReason? reason, DateTimeOffset now)
    {
        if (transition.Decision != TransitionDecision.Apply || (transition.From is { } from && from != Status))
        {
            throw new InvalidOperationException(
                $"Only a transition decided for its status moves a reservation: {transition.Decision} from {transition.From}, " +
                $"the reservation is {Status}.");
        }

        Status = transition.Target;
        switch (transition.Target)
        {
            case ReservationStatus.Confirmed:
                ConfirmedAt = now;
                ReleasedAt = null;
                ReleaseReason = null;
                break;
            case ReservationStatus.Released or ReservationStatus.Expired:
                ReleasedAt = now;
                ReleaseReason = reason;
                break;
        }
    }
}
