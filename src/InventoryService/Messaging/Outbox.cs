using System.Diagnostics;
using System.Text.Json;
using BookingSystem.Contracts;
using BookingSystem.InventoryService.Data;
using BookingSystem.InventoryService.Reservations;
using BookingSystem.InventoryService.Stock;

namespace BookingSystem.InventoryService.Messaging;

/// <summary>
/// Adds outgoing events to the current <see cref="InventoryDbContext"/> so they commit (or roll back) with the
/// state change they describe. The dispatcher publishes them afterwards.
/// </summary>
public sealed class Outbox(InventoryDbContext db, TimeProvider time)
{
    public void Reserved(Reservation reservation, string? causationId) =>
        Add(RoutingKeys.InventoryReserved, EventTypes.InventoryReserved, reservation.CorrelationId, causationId,
            new InventoryReserved(reservation.BookingId, Lines(reservation), reservation.ExpiresAt));

    public void Confirmed(Reservation reservation, string? causationId) =>
        Add(RoutingKeys.InventoryConfirmed, EventTypes.InventoryConfirmed, reservation.CorrelationId, causationId,
            new InventoryConfirmed(reservation.BookingId, Lines(reservation)));

    public void Released(Reservation reservation, string? causationId) =>
        Add(RoutingKeys.InventoryReleased, EventTypes.InventoryReleased, reservation.CorrelationId, causationId,
            new InventoryReleased(reservation.BookingId, reservation.ReleaseReason?.ToString() ?? ReleaseReasons.Manual, Lines(reservation)));

    public void ReservationFailed(string bookingId, string reason, IEnumerable<LineAvailability> lines, string correlationId, string? causationId) =>
        Add(RoutingKeys.InventoryReservationFailed, EventTypes.InventoryReservationFailed, correlationId, causationId,
            new InventoryReservationFailed(bookingId, reason,
                lines.Select(l => new LineShortfall(l.ItemId, l.Requested, l.Available, l.Reason?.ToString())).ToList()));

    public void LowStock(InventoryItem item, string correlationId, string? causationId) =>
        Add(RoutingKeys.LowStockAlert, EventTypes.LowStockAlert, correlationId, causationId,
            new LowStockAlert(item.ItemId, item.Total - item.Reserved, item.LowStockThreshold));

    private static List<BookingLine> Lines(Reservation reservation) =>
        reservation.Lines.OrderBy(l => l.ItemId, StringComparer.Ordinal).Select(l => new BookingLine(l.ItemId, l.Quantity)).ToList();

    private void Add<T>(string routingKey, string eventType, string correlationId, string? causationId, T data)
    {
        var now = time.GetUtcNow();
        var eventId = Guid.CreateVersion7(now).ToString();
        var envelope = new EventEnvelope<T>(eventId, eventType, correlationId, now, data, causationId);
        db.OutboxMessages.Add(new OutboxMessage
        {
            EventId = eventId,
            EventType = eventType,
            RoutingKey = routingKey,
            CorrelationId = correlationId,
            CausationId = causationId,
            Payload = JsonSerializer.Serialize(envelope, ContractJson.Options),
            TraceParent = Activity.Current?.Id,
            OccurredAt = now,
        });
    }
}
