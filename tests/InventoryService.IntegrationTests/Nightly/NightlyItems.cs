using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;

namespace BookingSystem.InventoryService.IntegrationTests.Nightly;

/// <summary>Nightly items and their calendars through the admin API (the client must carry an admin token).</summary>
public static class NightlyItems
{
    /// <summary>Creates a nightly item with <paramref name="capacity"/> per night; returns its id.</summary>
    public static async Task<string> CreateNightlyAsync(
        this HttpClient client, int capacity, string timeZone = "UTC", string location = "Main", int lowStockThreshold = 0)
    {
        var itemId = "NIGHT-" + Guid.NewGuid().ToString("N")[..12];
        using var response = await client.PostJsonAsync("/api/inventory/items",
            new { itemId, name = "Double room", location, total = capacity, kind = "Nightly", timeZone, lowStockThreshold });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return itemId;
    }

    public static Task<HttpResponseMessage> ChangeCalendarAsync(this HttpClient client, string itemId, object change) =>
        client.PutAsJsonAsync($"/api/inventory/{itemId}/calendar", change, Http.Json);

    /// <summary>The calendar's nights of <c>[from, to)</c>.</summary>
    public static async Task<List<JsonElement>> NightsAsync(this HttpClient client, string itemId, string from, string to)
    {
        using var calendar = await client.GetAsync($"/api/inventory/{itemId}/calendar?from={from}&to={to}");
        Assert.Equal(HttpStatusCode.OK, calendar.StatusCode);
        return [.. (await calendar.ReadJsonAsync()).GetProperty("nights").EnumerateArray()];
    }

    /// <summary>One counter of each night of <c>[from, to)</c> ("held", "confirmed", "capacity", ...).</summary>
    public static async Task<List<int>> CountsAsync(
        this HttpClient client, string itemId, string from, string to, string counter = "held") =>
        [.. (await client.NightsAsync(itemId, from, to)).Select(n => n.GetProperty(counter).GetInt32())];
}
