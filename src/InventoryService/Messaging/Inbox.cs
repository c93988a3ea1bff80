using BookingSystem.InventoryService.Data;
using Microsoft.EntityFrameworkCore;

namespace BookingSystem.InventoryService.Messaging;

public static class Inbox
{
    /// <summary>
    /// Records the consumed events in the current transaction with one statement and returns, per origin, whether it
    /// is new. False for one recorded before (a redelivered or republished copy) and for a second copy of the same
    /// event in the same batch. A concurrent copy waits on the key until the first commits, then sees it.
    /// </summary>
    public static async Task<bool[]> TryRecordAsync(InventoryDbContext db, IReadOnlyList<MessageOrigin> origins, DateTimeOffset now, CancellationToken ct)
    {
        var consumers = origins.Select(o => o.Consumer).ToArray();
        var eventIds = origins.Select(o => o.EventId).ToArray();
        var recorded = await db.Database
            .SqlQuery<InboxKey>($"""
                INSERT INTO inbox_messages (consumer, event_id, processed_at)
                SELECT DISTINCT m.consumer, m.event_id, {now} FROM unnest({consumers}, {eventIds}) AS m(consumer, event_id)
                ON CONFLICT DO NOTHING
                RETURNING consumer AS "Consumer", event_id AS "EventId"
                """)
            .ToListAsync(ct);
        var fresh = recorded.ToHashSet();
        // The first copy of an event in the batch is the one that runs; a later copy is a duplicate of it.
        return origins.Select(o => fresh.Remove(new InboxKey(o.Consumer, o.EventId))).ToArray();
    }

    private sealed record InboxKey(string Consumer, string EventId);
}
