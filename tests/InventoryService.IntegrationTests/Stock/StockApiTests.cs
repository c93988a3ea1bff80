using System.Net;
using BookingSystem.InventoryService.Data;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;
using BookingSystem.InventoryService.Stock;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BookingSystem.InventoryService.IntegrationTests.Stock;

public sealed class StockApiTests(InventoryApiFactory factory) : IClassFixture<InventoryApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task List_filters_by_location_and_stock_level_and_pages_in_item_id_order()
    {
        var location = "Loc-" + Guid.NewGuid().ToString("N")[..8];
        var normal = await factory.CreateItemAsync(total: 50, prefix: "A", location: location, lowStockThreshold: 10);
        var low = await factory.CreateItemAsync(total: 4, prefix: "B", location: location, lowStockThreshold: 10);
        var soldOut = await factory.CreateItemAsync(total: 0, prefix: "C", location: location, lowStockThreshold: 10);

        var all = await (await _client.GetAsync($"/api/inventory?location={location}")).ReadAsync<ItemPage>();
        var lowOnly = await (await _client.GetAsync($"/api/inventory?location={location}&stock=low")).ReadAsync<ItemPage>();
        var outOnly = await (await _client.GetAsync($"/api/inventory?location={location}&stock=out")).ReadAsync<ItemPage>();
        var page2 = await (await _client.GetAsync($"/api/inventory?location={location}&page=2&pageSize=2")).ReadAsync<ItemPage>();

        Assert.Equal([normal.ItemId, low.ItemId, soldOut.ItemId], all.Items.Select(i => i.ItemId));
        Assert.Equal(3, all.TotalCount);
        Assert.Equal(low.ItemId, Assert.Single(lowOnly.Items).ItemId);
        Assert.True(lowOnly.Items[0].IsLowStock);
        Assert.Equal(soldOut.ItemId, Assert.Single(outOnly.Items).ItemId);
        Assert.Equal(soldOut.ItemId, Assert.Single(page2.Items).ItemId);
        Assert.Equal((2, 2, 3), (page2.Page, page2.PageSize, page2.TotalCount));
    }

    [Fact]
    public async Task Get_item_shows_total_reserved_and_available()
    {
        var item = await factory.CreateItemAsync(total: 9);
        await _client.PostJsonAsync("/api/inventory/reserve", new { bookingId = $"get-item-{item.ItemId}", itemId = item.ItemId, quantity = 4 });

        var response = await _client.GetAsync($"/api/inventory/{item.ItemId}");

        var body = await response.ReadAsync<ItemResponse>();
        Assert.Equal((9, 4, 5), (body.Total, body.Reserved, body.Available));
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/api/inventory/NOPE-404")).StatusCode);
    }

    [Fact]
    public async Task Check_availability_answers_per_line_for_the_list_and_the_shorthand()
    {
        var item = await factory.CreateItemAsync(total: 3);

        var list = await (await _client.PostJsonAsync("/api/inventory/check-availability", new
        {
            items = new[] { new { itemId = item.ItemId, quantity = 3 }, new { itemId = "GHOST-1", quantity = 1 } },
        })).ReadAsync<AvailabilityResponse>();
        var single = await (await _client.PostJsonAsync("/api/inventory/check-availability", new { itemId = item.ItemId, quantity = 4 })).ReadAsync<AvailabilityResponse>();

        Assert.False(list.IsAvailable);
        Assert.Equal(new LineAvailability("GHOST-1", 1, null, ShortfallReason.UnknownItem), list.Lines[0]);
        Assert.Equal(new LineAvailability(item.ItemId, 3, 3, null), list.Lines[1]);
        Assert.False(single.IsAvailable);
        Assert.Equal(new LineAvailability(item.ItemId, 4, 3, ShortfallReason.InsufficientStock), Assert.Single(single.Lines));
    }

    [Fact]
    public async Task Create_item_returns_201_and_a_duplicate_returns_409()
    {
        var itemId = "NEW-" + Guid.NewGuid().ToString("N")[..10];

        using var created = await _client.PostJsonAsync("/api/inventory/items", new { itemId, name = "Suite 7", total = 12 });
        using var duplicate = await _client.PostJsonAsync("/api/inventory/items", new { itemId, name = "Suite 7", total = 12 });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var item = await created.ReadAsync<ItemResponse>();
        Assert.Equal((itemId, "Main", 12, 0, 12, 10), (item.ItemId, item.Location, item.Total, item.Reserved, item.Available, item.LowStockThreshold));
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
    }

    [Fact]
    public async Task Adjustments_change_the_total_and_leave_an_audit_trail_newest_first()
    {
        var item = await factory.CreateItemAsync(total: 10);

        using var restock = await _client.PostJsonAsync("/api/inventory/adjustments", new { itemId = item.ItemId, delta = 5, reasonCode = "Restock", note = "delivery 42" });
        using var damage = await _client.PostJsonAsync("/api/inventory/adjustments", new { itemId = item.ItemId, delta = -3, reasonCode = "Damaged" });
        var trail = await (await _client.GetAsync($"/api/inventory/adjustments?itemId={item.ItemId}")).ReadAsync<List<AdjustmentResponse>>();

        Assert.Equal(HttpStatusCode.Created, restock.StatusCode);
        Assert.Equal(15, (await restock.ReadAsync<AdjustmentResult>()).Item.Total);
        Assert.Equal(12, (await damage.ReadAsync<AdjustmentResult>()).Item.Total);
        Assert.Equal([(-3, AdjustmentReason.Damaged, 12), (5, AdjustmentReason.Restock, 15)], trail.Select(a => (a.Delta, a.ReasonCode, a.TotalAfter)));
        Assert.Equal("delivery 42", trail[1].Note);
        Assert.Equal(TestTokens.AdminSubject, trail[1].PerformedBy);
        Assert.Equal(12, (await factory.CountersAsync(item.ItemId)).Total);
    }

    [Fact]
    public async Task An_adjustment_that_would_take_the_total_below_reserved_is_refused_and_not_audited()
    {
        var item = await factory.CreateItemAsync(total: 10);
        await _client.PostJsonAsync("/api/inventory/reserve", new { bookingId = $"adj-{item.ItemId}", itemId = item.ItemId, quantity = 7 });

        using var tooMuch = await _client.PostJsonAsync("/api/inventory/adjustments", new { itemId = item.ItemId, delta = -4, reasonCode = "Lost" });
        using var justEnough = await _client.PostJsonAsync("/api/inventory/adjustments", new { itemId = item.ItemId, delta = -3, reasonCode = "Lost" });

        Assert.Equal(HttpStatusCode.Conflict, tooMuch.StatusCode);
        Assert.Equal(HttpStatusCode.Created, justEnough.StatusCode);
        Assert.Equal((7, 7, 7), await factory.CountersAsync(item.ItemId));
        await using var scope = factory.Scope();
        var audited = await scope.ServiceProvider.GetRequiredService<InventoryDbContext>().StockAdjustments.CountAsync(a => a.ItemId == item.ItemId);
        Assert.Equal(1, audited);
    }

    [Fact]
    public async Task Adjusting_an_unknown_item_is_404()
    {
        using var response = await _client.PostJsonAsync("/api/inventory/adjustments", new { itemId = "GHOST-2", delta = 1, reasonCode = "Restock" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task The_database_refuses_reserved_above_total_even_if_code_tried()
    {
        var item = await factory.CreateItemAsync(total: 1);
        await using var scope = factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<InventoryDbContext>();

        var error = await Assert.ThrowsAsync<Npgsql.PostgresException>(() =>
            db.Items.Where(i => i.ItemId == item.ItemId).ExecuteUpdateAsync(s => s.SetProperty(i => i.Reserved, 2)));

        Assert.Equal("ck_inventory_items_reserved_within_total", error.ConstraintName);
    }
}
