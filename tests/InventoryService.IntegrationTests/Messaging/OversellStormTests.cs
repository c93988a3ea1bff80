using System.Net;
using BookingSystem.Contracts;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;
using Npgsql;

namespace BookingSystem.InventoryService.IntegrationTests.Messaging;

/// <summary>
/// Far more demand than stock, from every direction at once: 10,000 bookings of 1-3 units for 1,000 units, through
/// two competing instances, while 300 HTTP reserves race them. Nothing is oversold and every booking is answered once.
/// </summary>
public sealed class OversellStormTests(MessagingEnvironment env) : IClassFixture<MessagingEnvironment>
{
    private const int Stock = 1_000;
    private const int Bookings = 10_000;
    private const int HttpReserves = 300;

    [Fact]
    public async Task Ten_thousand_bookings_and_http_reserves_for_a_thousand_units_never_oversell_and_each_is_answered_once()
    {
        await env.StartInstanceAsync(); // a second, competing instance
        var item = await env.Service.CreateItemAsync(total: Stock, lowStockThreshold: 0);
        var random = new Random(7);
        var quantities = Enumerable.Range(0, Bookings).ToDictionary(i => $"storm-{i}-{EventProbe.NewId()[..8]}", _ => random.Next(1, 4));

        var publishing = Task.Run(async () =>
        {
            foreach (var (bookingId, quantity) in quantities)
            {
                await env.Probe.BookingCreatedAsync(bookingId, item.ItemId, quantity);
            }
        });
        var client = env.Service.CreateClient();
        var http = await Task.WhenAll(Enumerable.Range(0, HttpReserves).Select(async i =>
        {
            using var response = await client.PostJsonAsync("/api/inventory/reserve", new { bookingId = $"storm-http-{i}", itemId = item.ItemId, quantity = 1 });
            return response.StatusCode;
        }));
        await publishing;

        await Eventually.HoldsAsync(() => quantities.Keys.All(b => Outcomes(b).Count > 0), TimeSpan.FromSeconds(240),
            () => $"{quantities.Keys.Count(b => Outcomes(b).Count == 0)} of {Bookings} bookings have no outcome yet");
        await EventProbe.SettleAsync();

        var reservedByMessage = quantities.Where(b => Outcomes(b.Key)[0] == RoutingKeys.InventoryReserved).Sum(b => b.Value);
        var reservedByHttp = http.Count(s => s == HttpStatusCode.Created);
        var (reserved, total, activeLines) = await env.Service.CountersAsync(item.ItemId);
        Assert.All(quantities.Keys, b => Assert.Single(Outcomes(b)));
        Assert.All(http, s => Assert.True(s is HttpStatusCode.Created or HttpStatusCode.Conflict, $"HTTP answered {s}"));
        Assert.Equal((Stock, reserved), (total, activeLines));
        Assert.Equal(reservedByMessage + reservedByHttp, reserved);
        Assert.InRange(reserved, Stock - 2, Stock); // demand is twenty times the stock: at most 2 units can stay unsold
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM inventory_items WHERE reserved > total OR reserved < 0"));
    }

    private List<string> Outcomes(string bookingId) => env.Probe.Outcomes(bookingId);

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(env.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
