using BookingSystem.Contracts;
using BookingSystem.InventoryService.Messaging;
using BookingSystem.InventoryService.Stock;

namespace BookingSystem.InventoryService.Reservations;

/// <summary>
/// What the reservation feature publishes, as contract records written to the outbox. The <c>bookingId</c> of an
/// event is the reservation's key: the booking id for a booking that came by message,
/// <c>http/&lt;sub&gt;/&lt;id&gt;</c>
/// for an HTTP reservation (<see cref="BookingKey"/>). The causation id is the consumed event being handled, if any.
/// </summary>
public static class ReservationEvents
{
    public static void Reserved(this Outbox outbox, Reservation reservation) =>
        outbox.Add(EventCatalog.InventoryReserved,
            new InventoryReserved(reservation.Key, Lines(reservation), reservation.ExpiresAt),
            reservation.CorrelationId);

    public static void Confirmed(this Outbox outbox, Reservation reservation) =>
        outbox.Add(EventCatalog.InventoryConfirmed,
            new InventoryConfirmed(reservation.Key, Lines(reservation)), reservation.CorrelationId);

    public static void Released(this Outbox outbox, Reservation reservation) =>
        outbox.Add(EventCatalog.InventoryReleased,
            new InventoryReleased(
                reservation.Key, reservation.ReleaseReason?.ToString() ?? ReleaseReasons.Manual, Lines(reservation)),
            reservation.CorrelationId);

    public static void ReservationFailed(
        this Outbox outbox, string bookingId, string reason, IEnumerable<LineAvailability> lines, string correlationId,
        string? causationId = null) =>
        outbox.Add(EventCatalog.InventoryReservationFailed,
            new InventoryReservationFailed(bookingId, reason,
                [.. lines.Select(l => new LineShortfall(l.ItemId, l.Requested, l.Available, l.Reason?.ToString()))]),
            correlationId, causationId);

    private static List<BookingLine> Lines(Reservation reservation) =>
        [.. reservation.Lines.OrderBy(l => l.ItemId, StringComparer.Ordinal)
            .Select(l => new BookingLine(l.ItemId, l.Quantity))];
}
