using System.Diagnostics;
using System.Text.Json;
using BookingSystem.Contracts;
using BookingSystem.InventoryService.Data;
using Microsoft.EntityFrameworkCore;

namespace BookingSystem.InventoryService.Messaging;

/// <summary>
/// Collects the outgoing events of the current unit of work so they commit (or roll back) with the state change they
/// describe; <see cref="UnitOfWork"/> writes them with one statement just before it saves. The dispatcher publishes
/// them afterwards. The features decide what an event says (their own mapping to a contract record); this class
/// only stores it with its routing key.
/// </summary>
public sealed class Outbox(InventoryDbContext db, TimeProvider time)
{
    private readonly List<OutboxMessage> _pending = [];

    /// <summary>Stores one event; its <c>eventId</c> is new and stable across re-publishes.</summary>
    public void Add<T>(string routingKey, string eventType, T data, string correlationId, string? causationId)
    {
        var now = time.GetUtcNow();
        var eventId = Guid.CreateVersion7(now).ToString();
        var envelope = new EventEnvelope<T>(eventId, eventType, correlationId, now, data, causationId);
        _pending.Add(new OutboxMessage
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

    /// <summary>Forgets what an attempt that is run again had added.</summary>
    internal void Clear() => _pending.Clear();

    /// <summary>Inserts the collected events (one multi-row statement) in the current transaction.</summary>
    internal async Task WriteAsync(CancellationToken ct)
    {
        if (_pending.Count == 0)
        {
            return;
        }

        var rows = _pending;
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO outbox_messages (event_id, event_type, routing_key, correlation_id, causation_id, payload, trace_parent, occurred_at, attempts)
            SELECT e.*, 0 FROM unnest(
                {rows.Select(r => r.EventId).ToArray()}, {rows.Select(r => r.EventType).ToArray()},
                {rows.Select(r => r.RoutingKey).ToArray()}, {rows.Select(r => r.CorrelationId).ToArray()},
                {rows.Select(r => r.CausationId).ToArray()}, {rows.Select(r => r.Payload).ToArray()},
                {rows.Select(r => r.TraceParent).ToArray()}, {rows.Select(r => r.OccurredAt).ToArray()}) AS e
            """, ct);
        _pending.Clear();
    }
}
