using BookingSystem.InventoryService.Stock;

namespace BookingSystem.InventoryService.Reservations;

/// <summary>
/// Lines as in <c>BookingCreated</c>: <c>items</c>, or <c>itemId</c>/<c>roomId</c> + <c>quantity</c> (default 1),
/// each with <c>checkIn</c>/<c>checkOut</c> for a nightly item. <c>holdMinutes</c> overrides the default hold.
/// </summary>
public sealed record ReserveRequest(
    string? BookingId, IReadOnlyList<LineInput?>? Items, string? ItemId, string? RoomId, int? Quantity,
    int? HoldMinutes, DateOnly? CheckIn = null, DateOnly? CheckOut = null)
{
    public ShorthandInput Shorthand => new(ItemId, RoomId, Quantity, CheckIn, CheckOut);
}

/// <summary><c>owner</c>: for admins, the subject whose HTTP reservation to release (see ReservationsApi).</summary>
public sealed record ReleaseRequest(string? BookingId, ReleaseReason? Reason, string? Owner = null);

/// <summary>A line; a nightly line with its stay and the nights it holds within the overbooking allowance.</summary>
public sealed record ReservationLineResponse(
    string ItemId, int Quantity, DateOnly? CheckIn = null, DateOnly? CheckOut = null,
    IReadOnlyList<DateOnly>? OverbookedNights = null);

public sealed record ReservationResponse(
    string BookingId,
    ReservationOrigin Origin,
    ReservationStatus Status,
    IReadOnlyList<ReservationLineResponse> Lines,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? ConfirmedAt,
    DateTimeOffset? ReleasedAt,
    ReleaseReason? ReleaseReason,
    string CorrelationId,
    bool Overbooked = false)
{
    public static ReservationResponse From(Reservation r) => new(
        r.BookingId,
        r.Origin,
        r.Status,
        [.. ReservationRules.InOrder(r.Lines).Select(l => new ReservationLineResponse(
            l.ItemId, l.Quantity, l.CheckIn, l.CheckOut,
            l.OverbookedNights is { Length: > 0 } nights ? nights : null))],
        r.CreatedAt,
        r.ExpiresAt,
        r.ConfirmedAt,
        r.ReleasedAt,
        r.ReleaseReason,
        r.CorrelationId,
        r.Lines.Any(l => l.OverbookedNights is { Length: > 0 }));
}
