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
/// same stock: about 10% sold out, 20% low (1-10) and 70% normal (20-100); and four nightly room types (TYPE-SINGLE,
/// TYPE-DOUBLE, TYPE-FAMILY, TYPE-SUITE, 4-30 rooms each from the same seed) whose first year of nights asks a
/// two-night minimum stay for arrivals on Fridays and Saturdays. Idempotent: items that exist are kept.
/// </summary>
public static class DevelopmentSeeder
{
    /// <summary>The seeder's key lock (<see cref="KeyLocks"/>): one instance seeds at a time.</summary>
    private const string SeedLockKey = "seed/development-rooms";

    private static readonly string[] Locations = [InventoryItem.DefaultLocation, "North Wing", "Garden Annex", "Lakeside"];

    private static readonly string[] RoomTypes = ["Single", "Double", "Family", "Suite"];

    /// <summary>The nightly room types, with their capacity per night.</summary>
    public static IReadOnlyList<InventoryItem> CreateRoomTypes(DateTimeOffset now, string timeZone)
    {
        var random = new Random(42);
        return [.. RoomTypes.Select(type => new InventoryItem
        {
            ItemId = $"TYPE-{type.ToUpperInvariant()}",
            Name = $"{type} room",
            Location = InventoryItem.DefaultLocation,
            Kind = ItemKind.Nightly,
            TimeZone = timeZone,
            Total = random.Next(4, 31),
            CreatedAt = now,
            UpdatedAt = now,
        })];
    }

    /// <summary>
    /// Creates the room types that do not exist, with their nights, and the weekend minimum stay over their first
    /// year (an audited calendar change by "seed"); returns how many were created.
    /// </summary>
    public static async Task<int> SeedRoomTypesAsync(
        Calendar calendar, string timeZone, TimeProvider time, CancellationToken cancellationToken)
    {
        var added = 0;
        foreach (var type in CreateRoomTypes(time.GetUtcNow(), timeZone))
        {
            if (!await calendar.CreateAsync(type, cancellationToken))
            {
                continue;
            }

            added++;
            var (from, to) = calendar.Range(type, from: null, to: null, defaultNights: 365, new());
            var weekend = new CalendarChangeRequest(from, to, [DayOfWeek.Friday, DayOfWeek.Saturday],
                Capacity: null, Closed: null, MinStay: 2, OverbookingAllowance: null, AdjustmentReason.Correction,
                "Development seed: two-night minimum stay for weekend arrivals");
            await calendar.ChangeAsync(
                new CalendarChangeCommand(type, weekend, "seed", "seed"), from, to, cancellationToken);
        }

        return added;
    }

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
