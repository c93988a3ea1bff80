using BookingSystem.InventoryService.Data;
using Microsoft.EntityFrameworkCore;

namespace BookingSystem.InventoryService.Messaging;

public static class Inbox
{
    /// <summary>
    /// Records the consumed event in the current transaction. False when it was recorded before: a redelivered or
    /// republished copy. A concurrent copy waits on the key until the first commits, then sees it.
    /// </summary>
    public static async Task<bool> TryRecordAsync(InventoryDbContext db, MessageOrigin origin, DateTimeOffset now, CancellationToken ct) =>
        await db.Database.ExecuteSqlAsync(
            $"INSERT INTO inbox_messages (consumer, event_id, processed_at) VALUES ({origin.Consumer}, {origin.EventId}, {now}) ON CONFLICT DO NOTHING",
            ct) == 1;
}
