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
}
