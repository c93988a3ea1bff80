using System.Net;
using System.Net.Http.Json;
using BookingSystem.Contracts;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;
using BookingSystem.InventoryService.Stock;

namespace BookingSystem.InventoryService.IntegrationTests.Nights;

/// <summary>
/// A nightly item as its clients see it: created and changed by an admin, read through its calendar, booked with
/// dated lines over HTTP and in <c>BookingCreated</c>. Dates are in the item's zone, Europe/Paris.
/// </summary>
public sealed class NightlyApi(InventoryApiFactory service)
{
    public const string TimeZoneId = "Europe/Paris";

    private static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById(TimeZoneId);

    private readonly HttpClient _admin = service.CreateClient();

    /// <summary>Today in the item's zone by the service's (fake) clock.</summary>
    public DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(service.Time.GetUtcNow(), Zone).DateTime);

    public HttpClient Admin => _admin;

    /// <summary>Creates a nightly item whose nights have <paramref name="capacity"/> each.</summary>
    public async Task CreateItemAsync(string itemId, int capacity, string location = "Paris", int lowStockThreshold = 0)
    {
        using var response = await _admin.PostJsonAsync("/api/inventory/items", new
        {
            itemId, name = "Room type " + itemId, location, total = capacity, lowStockThreshold, kind = "Nightly",
            timeZone = TimeZoneId,
        });
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"creating nightly item {itemId} answered " +
            $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>The admin change of the item's nights in <c>[from, to)</c> (PUT .../calendar).</summary>
    public Task<HttpResponseMessage> ChangeCalendarAsync(string itemId, CalendarChangeRequest change) =>
        _admin.PutAsJsonAsync($"/api/inventory/{itemId}/calendar", change, Http.Json);

    /// <summary>A change that must be applied.</summary>
    public async Task ChangeCalendarOrFailAsync(string itemId, CalendarChangeRequest change)
    {
        using var response = await ChangeCalendarAsync(itemId, change);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"calendar change of {itemId} answered " +
            $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    public static CalendarChangeRequest Change(
        DateOnly from, DateOnly to, int? capacity = null, bool? closed = null, int? minStay = null,
        int? overbookingAllowance = null, IReadOnlyList<DayOfWeek>? weekdays = null) =>
        new(from, to, weekdays, capacity, closed, minStay, overbookingAllowance, AdjustmentReason.Restock,
            "integration test");

    /// <summary>The item's nights in <c>[from, to)</c> as GET .../calendar answers (anonymous).</summary>
    public static async Task<IReadOnlyList<NightResponse>> CalendarAsync(
        HttpClient client, string itemId, DateOnly from, DateOnly to)
    {
        using var response = await client.GetAsync(
            $"/api/inventory/{itemId}/calendar?from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}");
        Assert.True(response.StatusCode == HttpStatusCode.OK,
            $"calendar of {itemId} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.ReadAsync<CalendarResponse>()).Nights;
    }

    /// <summary>The body of POST /api/inventory/reserve with dated lines.</summary>
    public static object ReserveBody(string bookingId, IEnumerable<BookingLine> lines, int? holdMinutes = null) =>
        new { bookingId, items = lines.ToArray(), holdMinutes };

    /// <summary>The data of a <c>BookingCreated</c> with dated lines, as the booking service sends it.</summary>
    public static object BookingCreatedData(
        string bookingId, IEnumerable<BookingLine> lines, int? holdMinutes = null, string userId = "guest-1") =>
        new { bookingId, userId, items = lines.ToArray(), amount = 240.0m, currency = "EUR", holdMinutes };
}
