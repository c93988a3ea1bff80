using BookingSystem.InventoryService.Stock;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace BookingSystem.InventoryService.UnitTests.Stock;

/// <summary>Stay rules over a catalogue filled by hand (no database), at a fixed time.</summary>
public static class TestStays
{
    /// <summary>No item known: only the checks that need no item apply.</summary>
    public static StayRules None { get; } = With(new DateTimeOffset(2027, 1, 10, 12, 0, 0, TimeSpan.Zero));

    public static StayRules With(
        DateTimeOffset now, params (string ItemId, ItemKind Kind, string? TimeZone)[] items) =>
        With(now, new NightlyOptions(), items);

    public static StayRules With(
        DateTimeOffset now, NightlyOptions options, params (string ItemId, ItemKind Kind, string? TimeZone)[] items)
    {
        var catalogue = new ItemCatalogue(new ServiceCollection().BuildServiceProvider()
            .GetRequiredService<IServiceScopeFactory>());
        foreach (var (itemId, kind, zone) in items)
        {
            catalogue.Remember(itemId, kind, zone);
        }

        return new StayRules(catalogue, Options.Create(options), new FakeTimeProvider(now));
    }
}
