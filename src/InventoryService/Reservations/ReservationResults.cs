using BookingSystem.InventoryService.Stock;
using BookingSystem.InventoryService.Validation;

namespace BookingSystem.InventoryService.Reservations;

public sealed record ReserveCommand(
    string BookingId, IReadOnlyList<RequestedLine> Lines, TimeSpan? Hold, string CorrelationId, string? UserId, ReservationOrigin Origin)
{
    /// <summary>The reservation's unique key (<see cref="BookingKey"/>).</summary>
    public string Key => BookingKey.Of(Origin, BookingId, UserId);

    /// <summary>A booking of the booking service (a <c>BookingCreated</c>): payments apply to it.</summary>
    public bool ByMessage => Origin == ReservationOrigin.Message;

    /// <summary>
    /// Active HTTP holds the user may have, this one included; null: no cap (bookings by message, admins).
    /// </summary>
    public int? HoldCap { get; init; }

    /// <summary>
    /// The user whose active holds this reserve must count (<see cref="HoldCap"/>); null: not capped.
    /// </summary>
    public string? CappedUser => HoldCap is null ? null : UserId;

    /// <summary>
    /// Validates a reservation request, from HTTP or a BookingCreated event, into the command: the one place both
    /// accept the same input. <paramref name="user"/> names where the user id came from (a token's subject, an
    /// event field) for the error. The result is only meaningful when <paramref name="errors"/> stays empty.
    /// </summary>
    /// <remarks>The request's items must have been loaded into the catalogue first (<see
    /// cref="StayRules.LoadAsync"/>).</remarks>
    public static ReserveCommand From(
        ReserveRequest request, ReservationOrigin origin, (string Field, string? Value) user, string correlationId,
        ReservationOptions options, StayRules stays, ValidationErrors errors)
    {
        errors.RequireIdentifier("bookingId", request.BookingId);
        if (request.HoldMinutes is not null)
        {
            errors.RequireRange("holdMinutes", request.HoldMinutes, 1, (int)options.MaxHold.TotalMinutes);
        }

        var lines = RequestedLines.Normalize(request.Items, request.Shorthand, stays, errors);
        // An HTTP reservation is keyed by its caller, so it needs one (tokens without a usable subject are refused
        // anyway); a booking by message may name no user.
        errors.CheckText(user.Field, user.Value, maxLength: Identifiers.MaxLength, required: origin == ReservationOrigin.Http);
        var hold = request.HoldMinutes is { } minutes ? TimeSpan.FromMinutes(minutes) : (TimeSpan?)null;
        return new ReserveCommand(request.BookingId!, lines, hold, correlationId, user.Value, origin);
    }
}

public enum ReserveOutcome
{
    /// <summary>A new hold was taken.</summary>
    Created,

    /// <summary>The booking already had this reservation (same lines), active; it is returned unchanged.</summary>
    Existing,

    /// <summary>
    /// The booking already has a reservation with other lines: a booking id names one request. Nothing changed.
    /// </summary>
    DifferentRequest,

    /// <summary>
    /// The booking's reservation has ended (Released or Expired): nothing is held, and nothing was reserved.
    /// </summary>
    Ended,

    /// <summary>Nothing was reserved: at least one line names an unknown item.</summary>
    UnknownItems,

    /// <summary>
    /// Nothing was reserved: at least one line asks for more than is available, or for a night that cannot be sold
    /// (closed, shorter than its minimum stay, beyond the nights on sale).
    /// </summary>
    InsufficientStock,

    /// <summary>The consumed event was already processed (inbox); nothing happened.</summary>
    Duplicate,

    /// <summary>
    /// Nothing was reserved: the user already holds <see cref="ReservationOptions.MaxActiveHoldsPerUser"/>
    /// reservations.
    /// </summary>
    TooManyHolds,
}

public sealed record ReserveResult(ReserveOutcome Outcome, Reservation? Reservation, IReadOnlyList<LineAvailability> Lines)
{
    public static ReserveResult Duplicate { get; } = new(ReserveOutcome.Duplicate, null, []);

    public static ReserveResult TooManyHolds { get; } = new(ReserveOutcome.TooManyHolds, null, []);

    public static ReserveResult Reserved(Reservation reservation, bool created) =>
        new(created ? ReserveOutcome.Created : ReserveOutcome.Existing, reservation, []);

    public static ReserveResult Repeated(Reservation reservation, ReserveOutcome outcome) => new(outcome, reservation, []);

    public static ReserveResult Rejected(IReadOnlyList<LineAvailability> lines) =>
        new(lines.Any(l => l.Reason == ShortfallReason.UnknownItem) ? ReserveOutcome.UnknownItems : ReserveOutcome.InsufficientStock, null, lines);
}

public enum TransitionOutcome
{
    Applied,
    AlreadyDone,
    Refused,
    NotFound,

    /// <summary>
    /// The transition would take the stock again (a payment after the hold ended), and it is not all there.
    /// </summary>
    Unavailable,
}

/// <param name="Error">Why a transition was refused.</param>
/// <param name="Shortfall">The lines against the stock when it was <see cref="TransitionOutcome.Unavailable"/>.</param>
public sealed record TransitionResult(
    TransitionOutcome Outcome,
    Reservation? Reservation,
    string? Error = null,
    IReadOnlyList<LineAvailability>? Shortfall = null);

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
