using BookingSystem.InventoryService.Data;
using BookingSystem.InventoryService.Stock;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BookingSystem.InventoryService.IntegrationTests.Stock;

public sealed class DevelopmentSeederTests(InventoryApiFactory factory) : IClassFixture<InventoryApiFactory>
{
    [Fact]
    public async Task Instances_seeding_at_the_same_time_create_each_room_once_and_a_rerun_adds_nothing()
    {
        var added = await Task.WhenAll(Enumerable.Range(0, 3).Select(async _ =>
        {
            await using var scope = factory.Scope();
            return await DevelopmentSeeder.SeedAsync(scope.ServiceProvider.GetRequiredService<InventoryDbContext>(), 50, factory.Time, CancellationToken.None);
        }));
        await using var check = factory.Scope();
        var db = check.ServiceProvider.GetRequiredService<InventoryDbContext>();
        var rerun = await DevelopmentSeeder.SeedAsync(db, 50, factory.Time, CancellationToken.None);

        Assert.Equal(50, added.Sum());
        Assert.Equal(0, rerun);
        Assert.Equal(50, await db.Items.CountAsync(i => i.ItemId.StartsWith("ROOM-")));
        Assert.Equal(DevelopmentSeeder.CreateItems(50, factory.Time.GetUtcNow()).Select(i => i.Total),
            await db.Items.Where(i => i.ItemId.StartsWith("ROOM-")).OrderBy(i => i.Id).Select(i => i.Total).ToListAsync());
    }

    [Fact]
    public async Task The_room_types_come_with_their_nights_and_weekend_minimum_stay_once()
    {
        var added = await Task.WhenAll(Enumerable.Range(0, 2).Select(async _ =>
        {
            await using var scope = factory.Scope();
            return await DevelopmentSeeder.SeedRoomTypesAsync(
                scope.ServiceProvider.GetRequiredService<Calendar>(), "Europe/Paris", factory.Time, CancellationToken.None);
        }));
        await using var check = factory.Scope();
        var db = check.ServiceProvider.GetRequiredService<InventoryDbContext>();

        Assert.Equal(4, added.Sum());
        var types = await db.Items.Where(i => i.ItemId.StartsWith("TYPE-")).OrderBy(i => i.ItemId).ToListAsync();
        Assert.Equal(["TYPE-DOUBLE", "TYPE-FAMILY", "TYPE-SINGLE", "TYPE-SUITE"], types.Select(t => t.ItemId));
        Assert.All(types, t => Assert.Equal((ItemKind.Nightly, "Europe/Paris"), (t.Kind, t.TimeZone)));
        var nights = await db.ItemNights.Where(n => n.ItemId == "TYPE-DOUBLE").OrderBy(n => n.Night).ToListAsync();
        Assert.Equal(730, nights.Count);
        Assert.All(nights, n => Assert.Equal(types.Single(t => t.ItemId == "TYPE-DOUBLE").Total, n.Capacity));
        var firstYear = nights.Take(365).ToList();
        Assert.All(firstYear, n => Assert.Equal(
            n.Night.DayOfWeek is DayOfWeek.Friday or DayOfWeek.Saturday ? 2 : 1, n.MinStay));
        Assert.All(nights.Skip(365), n => Assert.Equal(1, n.MinStay));
        Assert.Equal(4, await db.CalendarChanges.CountAsync(c => c.PerformedBy == "seed"));
    }
}
