using BookingSystem.InventoryService.Stock;

namespace BookingSystem.InventoryService.Reservations;

public sealed record ReserveCommand(
    string BookingId, IReadOnlyList<RequestedLine> Lines, TimeSpan? Hold, string CorrelationId, string? UserId);

public enum ReserveOutcome
{
    /// <summary>A new hold was taken.</summary>
    Created,

    /// <summary>The booking already had a reservation; it is returned unchanged.</summary>
    Existing,

    /// <summary>Nothing was reserved: at least one line names an unknown item.</summary>
    UnknownItems,

    /// <summary>Nothing was reserved: at least one line asks for more than is available.</summary>
    InsufficientStock,

    /// <summary>The consumed event was already processed (inbox); nothing happened.</summary>
    Duplicate,
}

public sealed record ReserveResult(ReserveOutcome Outcome, Reservation? Reservation, IReadOnlyList<LineAvailability> Lines)
{
    public static ReserveResult Duplicate { get; } = new(ReserveOutcome.Duplicate, null, []);

    public static ReserveResult Reserved(Reservation reservation, bool created) =>
        new(created ? ReserveOutcome.Created : ReserveOutcome.Existing, reservation, []);

    public static ReserveResult Rejected(IReadOnlyList<LineAvailability> lines) =>
        new(lines.Any(l => l.Reason == ShortfallReason.UnknownItem) ? ReserveOutcome.UnknownItems : ReserveOutcome.InsufficientStock, null, lines);
}

public enum TransitionOutcome
{
    Applied,
    AlreadyDone,
    Refused,
    NotFound,
}

public sealed record TransitionResult(TransitionOutcome Outcome, Reservation? Reservation, string? Error = null);

public enum PaymentHandling
{
    /// <summary>The outcome was applied to the booking's reservation.</summary>
    Applied,

    /// <summary>The booking has not arrived yet: the outcome is remembered and applied when it does.</summary>
    Remembered,

    /// <summary>An outcome for this booking was seen before (a repeat or a conflict): logged, not applied.</summary>
    Ignored,

    /// <summary>The consumed event was already processed (inbox).</summary>
    Duplicate,
}
