using System.Net;
using System.Text.Json;
using BookingSystem.InventoryService.Data;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BookingSystem.InventoryService.IntegrationTests.Nightly;

/// <summary>
/// Nightly items over HTTP: created with their nights, stays held all or nothing per night, the night rules (closed,
/// minimum stay, horizon), bounded overbooking, the calendar and its audited admin changes, and the stay search. The
/// service's clock is 2026-11-21 12:00 UTC.
/// </summary>
public sealed class NightlyHttpTests(InventoryApiFactory factory) : IClassFixture<InventoryApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task A_nightly_item_is_created_with_a_night_per_day_up_to_the_horizon_in_its_time_zone()
    {
        var itemId = await CreateNightlyAsync(capacity: 5, timeZone: "Europe/Paris");

        using var calendar = await _client.GetAsync($"/api/inventory/{itemId}/calendar?from=2026-11-21&to=2026-11-24");

        Assert.Equal(HttpStatusCode.OK, calendar.StatusCode);
        var body = await calendar.ReadJsonAsync();
        Assert.Equal("Europe/Paris", body.GetProperty("timeZone").GetString());
        var nights = body.GetProperty("nights").EnumerateArray().ToList();
        Assert.Equal(["2026-11-21", "2026-11-22", "2026-11-23"], nights.Select(n => n.GetProperty("date").GetString()));
        Assert.All(nights, n => Assert.Equal((5, 0, 0, 5, false, 1, 0, false), Night(n)));
        await using var scope = factory.Scope();
        var db = scope.ServiceProvider.GetRequiredService<InventoryDbContext>();
        var stored = await db.ItemNights.Where(n => n.ItemId == itemId).Select(n => n.Night).ToListAsync();
        Assert.Equal((730, new DateOnly(2026, 11, 21), new DateOnly(2028, 11, 19)), (stored.Count, stored.Min(), stored.Max()));
    }

    [Fact]
    public async Task A_stay_holds_each_of_its_nights_and_not_the_checkout_night_and_a_release_gives_them_back()
    {
        var itemId = await CreateNightlyAsync(capacity: 5);
        var bookingId = "stay-" + itemId;

        using var reserve = await ReserveAsync(bookingId, (itemId, 2, "2026-12-01", "2026-12-04"));
        var held = await HeldAsync(itemId, "2026-11-30", "2026-12-05");
        using var release = await _client.PostJsonAsync("/api/inventory/release", new { bookingId });

        Assert.Equal(HttpStatusCode.Created, reserve.StatusCode);
        var line = (await reserve.ReadJsonAsync()).GetProperty("lines")[0];
        Assert.Equal(("2026-12-01", "2026-12-04"), (line.GetProperty("checkIn").GetString(), line.GetProperty("checkOut").GetString()));
        Assert.Equal([0, 2, 2, 2, 0], held);
        Assert.Equal(HttpStatusCode.OK, release.StatusCode);
        Assert.Equal([0, 0, 0, 0, 0], await HeldAsync(itemId, "2026-11-30", "2026-12-05"));
    }

    [Fact]
    public async Task A_booking_is_all_or_nothing_over_every_night_of_every_line_and_the_refusal_names_the_nights()
    {
        var itemId = await CreateNightlyAsync(capacity: 2);
        var other = await CreateNightlyAsync(capacity: 2);
        using var first = await ReserveAsync("first-" + itemId, (itemId, 2, "2026-12-03", "2026-12-04"));

        using var refused = await ReserveAsync("second-" + itemId,
            (other, 1, "2026-12-01", "2026-12-05"), (itemId, 1, "2026-12-01", "2026-12-05"));

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var problem = await refused.ReadJsonAsync();
        Assert.Equal("Insufficient stock", problem.GetProperty("title").GetString());
        var line = problem.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("itemId").GetString() == itemId);
        var night = Assert.Single(line.GetProperty("nights").EnumerateArray());
        Assert.Equal(("2026-12-03", "InsufficientStock", 0),
            (night.GetProperty("night").GetString(), night.GetProperty("reason").GetString(), night.GetProperty("available").GetInt32()));
        Assert.Equal([0, 0, 0, 0], await HeldAsync(other, "2026-12-01", "2026-12-05"));
        Assert.Equal([0, 0, 2, 0], await HeldAsync(itemId, "2026-12-01", "2026-12-05"));
    }

    [Fact]
    public async Task Closed_nights_and_minimum_stays_refuse_a_stay_with_their_reason()
    {
        var itemId = await CreateNightlyAsync(capacity: 5);
        using var close = await ChangeAsync(itemId, new { from = "2026-12-10", to = "2026-12-11", closed = true, reasonCode = "Correction" });
        using var minStay = await ChangeAsync(itemId, new { from = "2026-12-20", to = "2026-12-21", minStay = 3, reasonCode = "Correction" });

        using var closed = await ReserveAsync("closed-" + itemId, (itemId, 1, "2026-12-09", "2026-12-12"));
        using var tooShort = await ReserveAsync("short-" + itemId, (itemId, 1, "2026-12-20", "2026-12-22"));
        using var longEnough = await ReserveAsync("long-" + itemId, (itemId, 1, "2026-12-20", "2026-12-23"));
        using var arrivingLater = await ReserveAsync("later-" + itemId, (itemId, 1, "2026-12-19", "2026-12-21"));

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (close.StatusCode, minStay.StatusCode));
        Assert.Equal("Closed", await ReasonAsync(closed));
        Assert.Equal("MinStay", await ReasonAsync(tooShort));
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (longEnough.StatusCode, arrivingLater.StatusCode));
    }

    [Fact]
    public async Task Overbooking_is_bounded_by_the_allowance_and_the_reservations_that_use_it_say_so()
    {
        var itemId = await CreateNightlyAsync(capacity: 2);
        using var allow = await ChangeAsync(itemId, new { from = "2026-12-01", to = "2026-12-03", overbookingAllowance = 1, reasonCode = "Correction" });

        using var fill = await ReserveAsync("fill-" + itemId, (itemId, 2, "2026-12-01", "2026-12-03"));
        using var over = await ReserveAsync("over-" + itemId, (itemId, 1, "2026-12-02", "2026-12-04"));
        using var beyond = await ReserveAsync("beyond-" + itemId, (itemId, 1, "2026-12-02", "2026-12-03"));
        using var calendar = await _client.GetAsync($"/api/inventory/{itemId}/calendar?from=2026-12-01&to=2026-12-04");

        Assert.Equal(HttpStatusCode.OK, allow.StatusCode);
        Assert.False((await fill.ReadJsonAsync()).GetProperty("overbooked").GetBoolean());
        Assert.Equal(HttpStatusCode.Created, over.StatusCode);
        var overbooked = await over.ReadJsonAsync();
        Assert.True(overbooked.GetProperty("overbooked").GetBoolean());
        Assert.Equal(["2026-12-02"], overbooked.GetProperty("lines")[0].GetProperty("overbookedNights").EnumerateArray().Select(n => n.GetString()));
        Assert.Equal(HttpStatusCode.Conflict, beyond.StatusCode);
        var nights = (await calendar.ReadJsonAsync()).GetProperty("nights").EnumerateArray().Select(Night).ToList();
        Assert.Equal(
            [(2, 2, 0, 1, false, 1, 1, false), (2, 3, 0, 0, false, 1, 1, true), (2, 1, 0, 1, false, 1, 0, false)],
            nights);
    }

    [Fact]
    public async Task A_capacity_below_what_a_night_holds_is_refused_naming_the_nights_unless_the_allowance_covers_it()
    {
        var itemId = await CreateNightlyAsync(capacity: 4);
        using var hold = await ReserveAsync("hold-" + itemId, (itemId, 3, "2026-12-05", "2026-12-06"));

        using var refused = await ChangeAsync(itemId, new { from = "2026-12-01", to = "2026-12-08", capacity = 2, reasonCode = "Damaged", note = "pipes" });
        using var covered = await ChangeAsync(itemId, new { from = "2026-12-01", to = "2026-12-08", capacity = 2, overbookingAllowance = 1, reasonCode = "Damaged", note = "pipes" });
        using var audit = await _client.GetAsync($"/api/inventory/calendar-changes?itemId={itemId}");

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var conflict = Assert.Single((await refused.ReadJsonAsync()).GetProperty("nights").EnumerateArray());
        Assert.Equal(("2026-12-05", 3), (conflict.GetProperty("night").GetString(), conflict.GetProperty("held").GetInt32()));
        Assert.Equal(HttpStatusCode.OK, covered.StatusCode);
        var change = Assert.Single((await audit.ReadJsonAsync()).EnumerateArray());
        Assert.Equal(("Damaged", "pipes", 7), (change.GetProperty("reasonCode").GetString(), change.GetProperty("note").GetString(),
            change.GetProperty("nights").GetArrayLength()));
        var night = change.GetProperty("nights")[4];
        Assert.Equal(("2026-12-05", 4, 2), (night.GetProperty("night").GetString(),
            night.GetProperty("before").GetProperty("capacity").GetInt32(), night.GetProperty("after").GetProperty("capacity").GetInt32()));
    }

    [Fact]
    public async Task A_weekday_change_touches_only_those_days()
    {
        var itemId = await CreateNightlyAsync(capacity: 4);

        using var change = await ChangeAsync(itemId, new { from = "2026-11-30", to = "2026-12-07", weekdays = new[] { "Friday", "Saturday" }, capacity = 6, reasonCode = "Restock" });
        using var calendar = await _client.GetAsync($"/api/inventory/{itemId}/calendar?from=2026-11-30&to=2026-12-07");

        Assert.Equal(HttpStatusCode.OK, change.StatusCode);
        Assert.Equal([4, 4, 4, 4, 6, 6, 4], (await calendar.ReadJsonAsync()).GetProperty("nights").EnumerateArray()
            .Select(n => n.GetProperty("capacity").GetInt32()));
    }

    [Theory]
    [InlineData("2026-12-05", "2026-12-05", "items[0].checkOut")] // checkOut not after checkIn
    [InlineData("2026-12-01", "2027-01-01", "items[0].checkOut")] // 31 nights: longer than the maximum stay
    [InlineData("2026-11-20", "2026-11-22", "items[0].checkIn")] // a night in the past
    [InlineData("2028-11-18", "2028-11-21", "items[0].checkOut")] // beyond the horizon (last night 2028-11-19)
    [InlineData(null, "2026-12-05", "items[0].checkIn")] // only one date
    public async Task Bad_dates_are_a_400_naming_the_field(string? checkIn, string checkOut, string field)
    {
        var itemId = await CreateNightlyAsync(capacity: 5);

        using var response = await _client.PostJsonAsync("/api/inventory/reserve",
            new { bookingId = "bad-" + itemId, items = new[] { new { itemId, quantity = 1, checkIn, checkOut } } });

        await AssertFieldErrorAsync(response, field);
    }

    [Fact]
    public async Task A_pool_line_with_dates_and_a_nightly_line_without_are_400s_naming_the_field()
    {
        var pool = await factory.CreateItemAsync(total: 5);
        var nightly = await CreateNightlyAsync(capacity: 5);

        using var dated = await _client.PostJsonAsync("/api/inventory/reserve", new
        {
            bookingId = "dated-pool", items = new[] { new { itemId = pool.ItemId, quantity = 1, checkIn = "2026-12-01", checkOut = "2026-12-02" } },
        });
        using var undated = await _client.PostJsonAsync("/api/inventory/reserve", new
        {
            bookingId = "undated-nightly", items = new[] { new { itemId = pool.ItemId, quantity = 1 }, new { itemId = nightly, quantity = 1 } },
        });

        await AssertFieldErrorAsync(dated, "items[0].checkIn");
        await AssertFieldErrorAsync(undated, "items[1].checkIn");
    }

    [Fact]
    public async Task A_night_is_past_by_the_items_time_zone_not_the_servers()
    {
        // 2026-11-21 12:00 UTC is already 2026-11-22 at UTC+14 and still 2026-11-21 at UTC-11.
        var ahead = await CreateNightlyAsync(capacity: 5, timeZone: "Pacific/Kiritimati");
        var behind = await CreateNightlyAsync(capacity: 5, timeZone: "Pacific/Pago_Pago");

        using var pastAhead = await ReserveAsync("tz-ahead-" + ahead, (ahead, 1, "2026-11-21", "2026-11-23"));
        using var todayAhead = await ReserveAsync("tz-ahead-ok-" + ahead, (ahead, 1, "2026-11-22", "2026-11-23"));
        using var todayBehind = await ReserveAsync("tz-behind-" + behind, (behind, 1, "2026-11-21", "2026-11-23"));
        using var calendarAhead = await _client.GetAsync($"/api/inventory/{ahead}/calendar");

        await AssertFieldErrorAsync(pastAhead, "items[0].checkIn");
        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (todayAhead.StatusCode, todayBehind.StatusCode));
        Assert.Equal("2026-11-22", (await calendarAhead.ReadJsonAsync()).GetProperty("from").GetString());
    }

    [Fact]
    public async Task The_stay_search_lists_the_nightly_items_that_can_take_the_whole_stay_with_their_lowest_availability()
    {
        var location = "search-" + Guid.NewGuid().ToString("N")[..8];
        var roomy = await CreateNightlyAsync(capacity: 3, location: location);
        var tight = await CreateNightlyAsync(capacity: 3, location: location);
        var closed = await CreateNightlyAsync(capacity: 3, location: location);
        using var hold = await ReserveAsync("tight-" + tight, (tight, 2, "2026-12-02", "2026-12-03"));
        using var close = await ChangeAsync(closed, new { from = "2026-12-03", to = "2026-12-04", closed = true, reasonCode = "Correction" });

        using var one = await _client.GetAsync($"/api/inventory/availability?checkIn=2026-12-01&checkOut=2026-12-04&location={location}");
        using var two = await _client.GetAsync($"/api/inventory/availability?checkIn=2026-12-01&checkOut=2026-12-04&quantity=2&location={location}");

        var offers = (await one.ReadJsonAsync()).GetProperty("items").EnumerateArray()
            .ToDictionary(o => o.GetProperty("itemId").GetString()!, o => o.GetProperty("available").GetInt32());
        Assert.Equal(new Dictionary<string, int> { [roomy] = 3, [tight] = 1 }, offers);
        var page = await two.ReadJsonAsync();
        Assert.Equal([roomy], page.GetProperty("items").EnumerateArray().Select(o => o.GetProperty("itemId").GetString()));
        Assert.Equal(1, page.GetProperty("totalCount").GetInt32());
    }

    [Fact]
    public async Task Check_availability_answers_per_night_without_holding_anything()
    {
        var itemId = await CreateNightlyAsync(capacity: 1);
        using var hold = await ReserveAsync("avail-" + itemId, (itemId, 1, "2026-12-02", "2026-12-03"));

        using var check = await _client.PostJsonAsync("/api/inventory/check-availability",
            new { items = new[] { new { itemId, quantity = 1, checkIn = "2026-12-01", checkOut = "2026-12-04" } } });

        var body = await check.ReadJsonAsync();
        Assert.False(body.GetProperty("isAvailable").GetBoolean());
        var night = Assert.Single(body.GetProperty("lines")[0].GetProperty("nights").EnumerateArray());
        Assert.Equal("2026-12-02", night.GetProperty("night").GetString());
        Assert.Equal([0, 1, 0], await HeldAsync(itemId, "2026-12-01", "2026-12-04"));
    }

    [Fact]
    public async Task Adjusting_a_nightly_items_stock_is_refused_and_points_to_the_calendar()
    {
        var itemId = await CreateNightlyAsync(capacity: 1);

        using var response = await _client.PostJsonAsync("/api/inventory/adjustments", new { itemId, delta = 1, reasonCode = "Restock" });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("/calendar", (await response.ReadJsonAsync()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private static (int, int, int, int, bool, int, int, bool) Night(JsonElement n) => (
        n.GetProperty("capacity").GetInt32(), n.GetProperty("held").GetInt32(), n.GetProperty("confirmed").GetInt32(),
        n.GetProperty("available").GetInt32(), n.GetProperty("closed").GetBoolean(), n.GetProperty("minStay").GetInt32(),
        n.GetProperty("overbookingAllowance").GetInt32(), n.GetProperty("overbooked").GetBoolean());

    private static async Task AssertFieldErrorAsync(HttpResponseMessage response, string field)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.ReadJsonAsync()).GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out _), $"no error for {field}: {errors}");
    }

    private static async Task<string?> ReasonAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        return (await response.ReadJsonAsync()).GetProperty("reason").GetString();
    }

    private Task<string> CreateNightlyAsync(int capacity, string timeZone = "UTC", string location = "Main") =>
        _client.CreateNightlyAsync(capacity, timeZone, location);

    private Task<HttpResponseMessage> ReserveAsync(string bookingId, params (string ItemId, int Quantity, string CheckIn, string CheckOut)[] lines) =>
        _client.PostJsonAsync("/api/inventory/reserve", new
        {
            bookingId,
            items = lines.Select(l => new { itemId = l.ItemId, quantity = l.Quantity, checkIn = l.CheckIn, checkOut = l.CheckOut }),
        });

    private Task<HttpResponseMessage> ChangeAsync(string itemId, object change) => _client.ChangeCalendarAsync(itemId, change);

    private Task<List<int>> HeldAsync(string itemId, string from, string to) => _client.CountsAsync(itemId, from, to);
}
