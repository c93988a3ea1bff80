using System.Net;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;

namespace BookingSystem.InventoryService.IntegrationTests.Reservations;

public sealed class ReservationConcurrencyTests(InventoryApiFactory factory) : IClassFixture<InventoryApiFactory>
{
    [Fact]
    public async Task Two_hundred_concurrent_reservations_for_fifty_units_reserve_exactly_fifty()
    {
        var item = await factory.CreateItemAsync(total: 50, prefix: "HOT");
        var client = factory.CreateClient();
        using var start = new SemaphoreSlim(0);

        var requests = Enumerable.Range(0, 200).Select(async i =>
        {
            await start.WaitAsync();
            using var response = await client.PostJsonAsync("/api/inventory/reserve", new { bookingId = $"oversell-{item.ItemId}-{i}", itemId = item.ItemId, quantity = 1 });
            return response.StatusCode;
        }).ToList();
        start.Release(requests.Count);
        var statuses = await Task.WhenAll(requests);

        Assert.Equal(50, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(150, statuses.Count(s => s == HttpStatusCode.Conflict));
        Assert.DoesNotContain(statuses, s => (int)s >= 500);
        var (reserved, total, activeLines) = await factory.CountersAsync(item.ItemId);
        Assert.Equal(50, reserved);
        Assert.Equal(50, total);
        Assert.Equal(reserved, activeLines);
    }

    [Fact]
    public async Task Bookings_locking_the_same_two_items_in_opposite_order_all_succeed_without_deadlock_errors()
    {
        var a = await factory.CreateItemAsync(total: 1_000, prefix: "PAIRA");
        var b = await factory.CreateItemAsync(total: 1_000, prefix: "PAIRB");
        var client = factory.CreateClient();

        var requests = Enumerable.Range(0, 60).Select(async i =>
        {
            var lines = i % 2 == 0
                ? new[] { new { itemId = a.ItemId, quantity = 1 }, new { itemId = b.ItemId, quantity = 2 } }
                : new[] { new { itemId = b.ItemId, quantity = 2 }, new { itemId = a.ItemId, quantity = 1 } };
            using var response = await client.PostJsonAsync("/api/inventory/reserve", new { bookingId = $"pair-{a.ItemId}-{i}", items = lines });
            return response.StatusCode;
        });
        var statuses = await Task.WhenAll(requests);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Created, s));
        Assert.Equal(60, (await factory.CountersAsync(a.ItemId)).Reserved);
        Assert.Equal(120, (await factory.CountersAsync(b.ItemId)).Reserved);
    }

    [Fact]
    public async Task A_multi_item_booking_that_cannot_be_served_in_full_reserves_nothing()
    {
        var plenty = await factory.CreateItemAsync(total: 10, prefix: "PLENTY");
        var scarce = await factory.CreateItemAsync(total: 1, prefix: "SCARCE");
        var client = factory.CreateClient();

        using var response = await client.PostJsonAsync("/api/inventory/reserve", new
        {
            bookingId = $"all-or-nothing-{plenty.ItemId}",
            items = new[] { new { itemId = plenty.ItemId, quantity = 3 }, new { itemId = scarce.ItemId, quantity = 2 } },
        });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await response.ReadJsonAsync();
        var scarceLine = problem.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("itemId").GetString() == scarce.ItemId);
        Assert.Equal("InsufficientStock", scarceLine.GetProperty("reason").GetString());
        Assert.Equal(1, scarceLine.GetProperty("available").GetInt32());
        Assert.Equal(0, (await factory.CountersAsync(plenty.ItemId)).Reserved);
        Assert.Equal(0, (await factory.CountersAsync(scarce.ItemId)).Reserved);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/api/inventory/reservations/all-or-nothing-{plenty.ItemId}")).StatusCode);
    }

    [Fact]
    public async Task The_same_booking_sent_concurrently_is_reserved_once()
    {
        var item = await factory.CreateItemAsync(total: 100, prefix: "DUP");
        var client = factory.CreateClient();
        var bookingId = $"dup-{item.ItemId}";

        var statuses = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            using var response = await client.PostJsonAsync("/api/inventory/reserve", new { bookingId, itemId = item.ItemId, quantity = 4 });
            return response.StatusCode;
        }));

        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(19, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(4, (await factory.CountersAsync(item.ItemId)).Reserved);
    }
}
