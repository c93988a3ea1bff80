using BookingSystem.InventoryService.Stock;

namespace BookingSystem.InventoryService.Reservations;

/// <summary>
/// Lines as in <c>BookingCreated</c>: <c>items</c>, or <c>itemId</c>/<c>roomId</c> + <c>quantity</c> (default 1).
/// <c>holdMinutes</c> overrides the default hold.
/// </summary>
public sealed record ReserveRequest(
    string? BookingId, IReadOnlyList<LineInput?>? Items, string? ItemId, string? RoomId, int? Quantity, int? HoldMinutes);

public sealed record ReleaseRequest(string? BookingId, ReleaseReason? Reason);

public sealed record ReservationLineResponse(string ItemId, int Quantity);

public sealed record ReservationResponse(
    string BookingId,
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
        r.Status,
        r.Lines.OrderBy(l => l.ItemId, StringComparer.Ordinal).Select(l => new ReservationLineResponse(l.ItemId, l.Quantity)).ToList(),
        r.CreatedAt,
        r.ExpiresAt,
        r.ConfirmedAt,
        r.ReleasedAt,
        r.ReleaseReason,
        r.CorrelationId);
}
