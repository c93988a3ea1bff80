using System.Diagnostics;
using System.Text.Json;
using BookingSystem.Contracts;
using BookingSystem.InventoryService.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace BookingSystem.InventoryService.Messaging;

/// <summary>
/// Collects the outgoing events of the current unit of work so they commit (or roll back) with the state change they
/// describe; <see cref="UnitOfWork"/> writes them with one statement just before it saves. The dispatcher publishes
/// them afterwards. The features decide what an event says (their own mapping to a contract record); this class
/// stores it under its kind from the <see cref="EventCatalog"/>.
/// </summary>
public sealed class Outbox(InventoryDbContext db, TimeProvider time, OutboxSignal signal, IOptions<OutboxOptions> options)
{
    private readonly List<OutboxMessage> _pending = [];

    /// <summary>
    /// The consumed event whose handling runs now: the causation id of what is added meanwhile. Set by the unit of
    /// work's loop over a batch for each message in turn; null outside a message (HTTP, background jobs).
    /// </summary>
    internal string? HandlingEventId { get; set; }

    /// <summary>
    /// Stores one event; its <c>eventId</c> is new and stable across re-publishes. Its causation id is
    /// <paramref name="causationId"/> when given, else the consumed event being handled, if any.
    /// </summary>
    public void Add<T>(EventKind<T> kind, T data, string correlationId, string? causationId = null) where T : class
    {
        var now = time.GetUtcNow();
        var eventId = Guid.CreateVersion7(now).ToString();
        causationId ??= HandlingEventId;
        var envelope = new EventEnvelope<T>(eventId, kind.EventType, correlationId, now, data, causationId);
        _pending.Add(new OutboxMessage
        {
            EventId = eventId,
            EventType = kind.EventType,
            RoutingKey = kind.RoutingKey,
            CorrelationId = correlationId,
            CausationId = causationId,
            Payload = JsonSerializer.Serialize(envelope, ContractJson.Options),
            TraceParent = Activity.Current?.Id,
            OccurredAt = now,
        });
    }

    /// <summary>Forgets what an attempt that is run again had added.</summary>
    internal void Clear()
    {
        _pending.Clear();
        HandlingEventId = null;
    }

    /// <summary>
    /// Inserts the collected events (one multi-row statement) in the current transaction. With a dispatcher in this
    /// process they are written claimed for it (<see cref="OutboxOptions.ClaimLease"/>) and returned, for it to
    /// publish after the commit (<see cref="OutboxSignal.Committed"/>): no second statement to claim them, and no
    /// other dispatcher takes them meanwhile. After a crash they go out when the claim ends.
    /// </summary>
    internal async Task<IReadOnlyList<ClaimedRow>> WriteAsync(CancellationToken ct)
    {
        if (_pending.Count == 0)
        {
            return [];
        }

        var rows = _pending;
        DateTimeOffset? until = signal.DispatcherRunning ? time.GetUtcNow() + options.Value.ClaimLease : null;
        var ids = await db.Database
            .SqlQuery<Inserted>($"""
                INSERT INTO outbox_messages (event_id, event_type, routing_key, correlation_id, causation_id, payload, trace_parent, occurred_at, attempts,
                                             claimed_until)
                SELECT e.*, 0, {until}::timestamptz FROM unnest(
                    {rows.Select(r => r.EventId).ToArray()}, {rows.Select(r => r.EventType).ToArray()},
                    {rows.Select(r => r.RoutingKey).ToArray()}, {rows.Select(r => r.CorrelationId).ToArray()},
                    {rows.Select(r => r.CausationId).ToArray()}, {rows.Select(r => r.Payload).ToArray()},
                    {rows.Select(r => r.TraceParent).ToArray()}, {rows.Select(r => r.OccurredAt).ToArray()}) AS e
                RETURNING id AS "Id", event_id AS "EventId"
                """)
            .ToDictionaryAsync(r => r.EventId, r => r.Id, StringComparer.Ordinal, ct);
        var written = new List<ClaimedRow>(until is null ? 0 : rows.Count);
        foreach (var row in rows)
        {
            row.Id = ids[row.EventId];
            if (until is { } claimedUntil)
            {
                written.Add(new ClaimedRow(row, claimedUntil));
            }
        }

        _pending.Clear();
        return written;
    }

    private sealed record Inserted(long Id, string EventId);
}
