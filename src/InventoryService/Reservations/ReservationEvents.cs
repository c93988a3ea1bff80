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
            new InventoryReserved(reservation.Key, Lines(reservation), reservation.ExpiresAt, Overbooked(reservation)),
            reservation.CorrelationId);

    public static void Confirmed(this Outbox outbox, Reservation reservation) =>
        outbox.Add(EventCatalog.InventoryConfirmed,
            new InventoryConfirmed(reservation.Key, Lines(reservation), Overbooked(reservation)),
            reservation.CorrelationId);

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
                [.. lines.Select(Shortfall)]),
            correlationId, causationId);

    private static LineShortfall Shortfall(LineAvailability line) => new(
        line.ItemId, line.Requested, line.Available, line.Reason?.ToString(), line.Stay?.CheckIn, line.Stay?.CheckOut,
        line.Nights is { Count: > 0 } nights
            ? [.. nights.Select(n => new NightShortfall(n.Night, n.Reason.ToString(), n.Available))]
            : null);

    private static List<OutcomeLine> Lines(Reservation reservation) =>
        [.. ReservationRules.InOrder(reservation.Lines)
            .Select(l => new OutcomeLine(l.ItemId, l.Quantity, l.CheckIn, l.CheckOut,
                l.OverbookedNights is { Length: > 0 } nights ? nights : null))];

    /// <summary>True when a line holds a night within its overbooking allowance; null (absent) otherwise.</summary>
    private static bool? Overbooked(Reservation reservation) =>
        reservation.Lines.Any(l => l.OverbookedNights is { Length: > 0 }) ? true : null;
}
