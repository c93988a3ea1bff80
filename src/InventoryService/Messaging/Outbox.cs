using System.Diagnostics;
using System.Text.Json;
using BookingSystem.Contracts;
using BookingSystem.InventoryService.Data;

namespace BookingSystem.InventoryService.Messaging;

/// <summary>
/// Adds outgoing events to the current <see cref="InventoryDbContext"/> so they commit (or roll back) with the
/// state change they describe. The dispatcher publishes them afterwards. The features decide what an event says
/// (their own mapping to a contract record); this class only stores it with its routing key.
/// </summary>
public sealed class Outbox(InventoryDbContext db, TimeProvider time)
{
    /// <summary>Stores one event; its <c>eventId</c> is new and stable across re-publishes.</summary>
    public void Add<T>(string routingKey, string eventType, T data, string correlationId, string? causationId)
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
