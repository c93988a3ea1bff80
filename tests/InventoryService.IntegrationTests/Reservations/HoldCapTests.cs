using System.Net;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;

namespace BookingSystem.InventoryService.IntegrationTests.Reservations;

/// <summary>A service where one user may hold three reservations at once.</summary>
public sealed class HoldCapFactory : InventoryApiFactory
{
    public const int Cap = 3;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [new("Reservations:MaxActiveHoldsPerUser", Cap.ToString(System.Globalization.CultureInfo.InvariantCulture))];
}

/// <summary>One HTTP caller cannot lock up more than its share of the stock: a cap on active holds per user.</summary>
public sealed class HoldCapTests(HoldCapFactory factory) : IClassFixture<HoldCapFactory>
{
    [Fact]
    public async Task A_user_at_the_cap_is_refused_until_a_hold_ends_and_other_users_are_not_affected()
    {
        var item = await factory.CreateItemAsync(total: 100);
        var alice = factory.CreateUserClient("cap-alice-" + Guid.NewGuid().ToString("N")[..8]);
        for (var i = 0; i < HoldCapFactory.Cap; i++)
        {
            using var held = await alice.PostJsonAsync("/api/inventory/reserve", new { bookingId = $"cap-{i}", itemId = item.ItemId });
            Assert.Equal(HttpStatusCode.Created, held.StatusCode);
        }

        using var refused = await alice.PostJsonAsync("/api/inventory/reserve", new { bookingId = "cap-over", itemId = item.ItemId });
        using var other = await factory.CreateUserClient("cap-bob-" + Guid.NewGuid().ToString("N")[..8])
            .PostJsonAsync("/api/inventory/reserve", new { bookingId = "cap-0", itemId = item.ItemId });
        using var release = await alice.PostJsonAsync("/api/inventory/release", new { bookingId = "cap-0" });
        using var afterRelease = await alice.PostJsonAsync("/api/inventory/reserve", new { bookingId = "cap-over", itemId = item.ItemId });

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("Too many holds", (await refused.ReadJsonAsync()).GetProperty("title").GetString());
        Assert.Equal(HttpStatusCode.Created, other.StatusCode);
        Assert.Equal(HttpStatusCode.OK, release.StatusCode);
        Assert.Equal(HttpStatusCode.Created, afterRelease.StatusCode);
        Assert.Equal((4, 100, 4), await factory.CountersAsync(item.ItemId));
    }

    [Fact]
    public async Task Concurrent_reserves_of_one_user_never_exceed_the_cap()
    {
        var item = await factory.CreateItemAsync(total: 100);
        var user = factory.CreateUserClient("cap-race-" + Guid.NewGuid().ToString("N")[..8]);

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            user.PostJsonAsync("/api/inventory/reserve", new { bookingId = $"race-{i}", itemId = item.ItemId })));

        Assert.Equal(HoldCapFactory.Cap, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(12 - HoldCapFactory.Cap, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Equal((HoldCapFactory.Cap, 100, HoldCapFactory.Cap), await factory.CountersAsync(item.ItemId));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }
}
