using System.ComponentModel.DataAnnotations;
using BookingSystem.InventoryService.Data;
using Microsoft.EntityFrameworkCore;

namespace BookingSystem.InventoryService.Stock;

public sealed class SeedOptions
{
    public const string SectionName = "Seed";

    /// <summary>Seed demo items at start-up (on in Development only).</summary>
    public bool Enabled { get; set; }

    [Range(1, 100_000)]
    public int ItemCount { get; set; } = 50;
}

/// <summary>
/// Creates demo rooms ROOM-101, ROOM-102, ... with a seeded <see cref="Random"/> (42) so every machine gets the
/// same stock: about 10% sold out, 20% low (1-10) and 70% normal (20-100). Idempotent: items that exist are kept.
/// </summary>
public static class DevelopmentSeeder
{
    /// <summary>The seeder's key lock (<see cref="KeyLocks"/>): one instance seeds at a time.</summary>
    private const string SeedLockKey = "seed/development-rooms";

    private static readonly string[] Locations = [InventoryItem.DefaultLocation, "North Wing", "Garden Annex", "Lakeside"];

    public static IReadOnlyList<InventoryItem> CreateItems(int count, DateTimeOffset now)
    {
        var random = new Random(42);
        var items = new List<InventoryItem>(count);
        for (var i = 0; i < count; i++)
        {
            var roll = random.NextDouble();
            var total = roll switch
            {
                < 0.1 => 0,
                < 0.3 => random.Next(1, 11),
                _ => random.Next(20, 101),
            };
            var number = 101 + i;
            items.Add(new InventoryItem
            {
                ItemId = $"ROOM-{number}",
                Name = $"Room {number}",
                Location = Locations[i % Locations.Length],
                Total = total,
                CreatedAt = now,
                UpdatedAt = now,
            });
        }

        return items;
    }

    public static async Task<int> SeedAsync(InventoryDbContext db, int count, TimeProvider time, CancellationToken cancellationToken)
    {
        var wanted = CreateItems(count, time.GetUtcNow());
        var wantedIds = wanted.Select(i => i.ItemId).ToList();
        // Several instances starting together would otherwise insert the same rooms at once.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await KeyLocks.LockAsync(db, [SeedLockKey], cancellationToken);
        var existing = await db.Items.Where(i => wantedIds.Contains(i.ItemId)).Select(i => i.ItemId).ToListAsync(cancellationToken);
        var missing = wanted.Where(i => !existing.Contains(i.ItemId)).ToList();
        db.Items.AddRange(missing);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return missing.Count;
    }
}
