using BookingSystem.InventoryService.IntegrationTests.Infrastructure;

namespace BookingSystem.InventoryService.IntegrationTests.Nightly;

/// <summary>A night that has passed (in the item's time zone) stays in the calendar, with nothing left to sell.</summary>
/// <remarks>A class of its own: it moves the service's clock.</remarks>
public sealed class PastNightsTests(InventoryApiFactory factory) : IClassFixture<InventoryApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Past_nights_stay_in_the_calendar_with_what_they_held_but_nothing_left_to_sell()
    {
        // 2026-11-21 12:00 UTC is already 2026-11-22 at UTC+14.
        var itemId = await _client.CreateNightlyAsync(capacity: 3, timeZone: "Pacific/Kiritimati");
        using var hold = await _client.PostJsonAsync("/api/inventory/reserve", new
        {
            bookingId = "past-" + itemId, holdMinutes = 1440,
            items = new[] { new { itemId, quantity = 1, checkIn = "2026-11-22", checkOut = "2026-11-24" } },
        });

        var before = await _client.NightsAsync(itemId, "2026-11-22", "2026-11-24");
        factory.Time.Advance(TimeSpan.FromHours(23)); // 2026-11-23 there: the 22nd has passed, the hold still runs
        var after = await _client.NightsAsync(itemId, "2026-11-22", "2026-11-24");

        Assert.Equal([(1, 2), (1, 2)], before.Select(Counts));
        Assert.Equal([(1, 0), (1, 2)], after.Select(Counts));
    }

    private static (int Held, int Available) Counts(System.Text.Json.JsonElement night) =>
        (night.GetProperty("held").GetInt32(), night.GetProperty("available").GetInt32());
}
