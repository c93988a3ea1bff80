using Microsoft.EntityFrameworkCore;

namespace BookingSystem.InventoryService.Data;

/// <summary>
/// Serializes the transactions that decide about the same key (a booking, a user's hold count) for the rest of the
/// current transaction, where a row lock cannot serve: the row may not exist yet. Each key (its 64-bit hash) is
/// inserted into the unlogged table <c>key_locks</c> and deleted again at once: a second transaction inserting the
/// same key waits on the unique index until the first one ends, then goes on (the first one's row is dead by then).
/// Unlike <c>pg_advisory_xact_lock</c> per key, this holds no entry in PostgreSQL's shared lock table (about 64 ×
/// <c>max_connections</c> slots), so a batch of 500 bookings, or many instances, cannot run it out; and the table holds
/// no live rows. Keys are taken in hash order, so two transactions wanting the same keys queue instead of
/// deadlocking; every transaction takes its key locks right after its inbox rows, before any other row lock.
/// </summary>
public static class KeyLocks
{
    /// <summary>Waits for and holds the keys until the current transaction ends (one round trip).</summary>
    public static async Task LockAsync(InventoryDbContext db, IReadOnlyCollection<string> keys, CancellationToken ct)
    {
        if (keys.Count == 0)
        {
            return;
        }

        var hashes = keys.Select(Hash).Distinct().Order().ToArray();
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO key_locks (lock_key) SELECT k FROM unnest({hashes}) AS k ORDER BY k;
            DELETE FROM key_locks WHERE lock_key = ANY({hashes})
            """, ct);
    }

    /// <summary>
    /// A stable 64-bit hash of the key (FNV-1a over its UTF-16 code units; equal keys, equal hashes, in every process).
    /// </summary>
    public static long Hash(string key)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in key)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return unchecked((long)hash);
    }
}

/// <summary>
/// A row of <c>key_locks</c>: never live outside the transaction that inserted it (<see cref="KeyLocks"/>).
/// </summary>
public sealed class KeyLock
{
    public long LockKey { get; init; }
}
