using System.Collections.Concurrent;
using BookingSystem.InventoryService.Data;
using BookingSystem.InventoryService.Validation;
using Microsoft.EntityFrameworkCore;

namespace BookingSystem.InventoryService.Stock;

/// <summary>What the field checks of a line need to know about its item: its kind and its time zone.</summary>
public sealed record CatalogueItem(ItemKind Kind, TimeZoneInfo? TimeZone);

/// <summary>
/// The kind and time zone of the items lines have named, cached for the life of the process: both are set when an
/// item is created and never change, and items are never deleted, so an entry cannot go stale. Unknown ids are not
/// remembered (the item may be created later). Loaded once per request or per batch of messages, before the lines
/// are checked (<see cref="StayRules"/>).
/// </summary>
public sealed class ItemCatalogue(IServiceScopeFactory scopes)
{
    private readonly ConcurrentDictionary<string, CatalogueItem> _items = new(StringComparer.Ordinal);

    /// <summary>Loads the named items not known yet (one query).</summary>
    public async Task LoadAsync(IEnumerable<string?> itemIds, CancellationToken ct)
    {
        var missing = itemIds.Where(Identifiers.IsValid).OfType<string>().Distinct(StringComparer.Ordinal)
            .Where(id => !_items.ContainsKey(id)).ToArray();
        if (missing.Length == 0)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<InventoryDbContext>();
        var found = await db.Items.AsNoTracking().Where(i => missing.Contains(i.ItemId))
            .Select(i => new { i.ItemId, i.Kind, i.TimeZone }).ToListAsync(ct);
        foreach (var item in found)
        {
            Remember(item.ItemId, item.Kind, item.TimeZone);
        }
    }

    /// <summary>An item known without a query (one just created).</summary>
    public void Remember(string itemId, ItemKind kind, string? timeZone) =>
        _items[itemId] = new CatalogueItem(kind, timeZone is { } zone ? Zone(zone) : null);

    /// <summary>The item as loaded; null when it was not found (or not loaded).</summary>
    public CatalogueItem? Find(string itemId) => _items.GetValueOrDefault(itemId);

    /// <summary>The time zone of an IANA id this machine knows; null when it does not.</summary>
    public static TimeZoneInfo? Zone(string id) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : null;
}
