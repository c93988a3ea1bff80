using BookingSystem.InventoryService.Stock;

namespace BookingSystem.InventoryService.Reservations;

/// <summary>
/// Lines as in <c>BookingCreated</c>: <c>items</c>, or <c>itemId</c>/<c>roomId</c> + <c>quantity</c> (default 1).
/// <c>holdMinutes</c> overrides the default hold.
/// </summary>
public sealed record ReserveRequest(
    string? BookingId, IReadOnlyList<LineInput?>? Items, string? ItemId, string? RoomId, int? Quantity, int? HoldMinutes);

/// <summary><c>owner</c>: for admins, the subject whose HTTP reservation to release (see ReservationsApi).</summary>
public sealed record ReleaseRequest(string? BookingId, ReleaseReason? Reason, string? Owner = null);

public sealed record ReservationLineResponse(string ItemId, int Quantity);

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
    string CorrelationId)
{
    public static ReservationResponse From(Reservation r) => new(
        r.BookingId,
        r.Origin,
        r.Status,
        r.Lines.OrderBy(l => l.ItemId, StringComparer.Ordinal).Select(l => new ReservationLineResponse(l.ItemId, l.Quantity)).ToList(),
        r.CreatedAt,
        r.ExpiresAt,
        r.ConfirmedAt,
        r.ReleasedAt,
        r.ReleaseReason,
        r.CorrelationId);
}
