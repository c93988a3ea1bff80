using System.Net;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;

namespace BookingSystem.InventoryService.IntegrationTests.Api;

/// <summary>Bad input is a 400 ProblemDetails that names the field, never a 500.</summary>
public sealed class BadInputTests(InventoryApiFactory factory) : IClassFixture<InventoryApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    public static TheoryData<string, string, string> BadBodies => new()
    {
        { "/api/inventory/reserve", "{ \"bookingId\": ", "bookingId" },
        { "/api/inventory/reserve", "not json at all", "$" },
        { "/api/inventory/reserve", "{ \"itemId\": \"ROOM-1\" }", "bookingId" },
        { "/api/inventory/reserve", "{ \"bookingId\": \"b-1\" }", "items" },
        { "/api/inventory/reserve", "{ \"bookingId\": \"b-1\", \"itemId\": \"ROOM-1\", \"quantity\": 0 }", "quantity" },
        { "/api/inventory/reserve", "{ \"bookingId\": \"b-1\", \"itemId\": \"ROOM-1\", \"quantity\": -2 }", "quantity" },
        { "/api/inventory/reserve", "{ \"bookingId\": \"b-1\", \"itemId\": \"ROOM-1\", \"quantity\": 1000001 }", "quantity" },
        { "/api/inventory/reserve", "{ \"bookingId\": \"b-1\", \"itemId\": \"ROOM-1\", \"quantity\": 99999999999 }", "quantity" },
        { "/api/inventory/reserve", "{ \"bookingId\": \"b-1\", \"itemId\": \"ROOM-1\", \"quantity\": \"two\" }", "quantity" },
        { "/api/inventory/reserve", "{ \"bookingId\": \"b-1\", \"items\": [] }", "items" },
        { "/api/inventory/reserve", "{ \"bookingId\": \"b-1\", \"items\": [ { \"quantity\": 1 } ] }", "items[0].itemId" },
        { "/api/inventory/reserve", "{ \"bookingId\": \"b-1\", \"items\": [ { \"itemId\": \"A\", \"quantity\": 1 } ], \"itemId\": \"B\" }", "items" },
        { "/api/inventory/reserve", "{ \"bookingId\": \"has spaces\", \"itemId\": \"ROOM-1\" }", "bookingId" },
        { "/api/inventory/reserve", "{ \"bookingId\": \"b-1\", \"itemId\": \"ROOM-1\", \"holdMinutes\": 0 }", "holdMinutes" },
        { "/api/inventory/reserve", "{ \"bookingId\": \"b-1\", \"itemId\": \"A\", \"roomId\": \"B\" }", "roomId" },
        { "/api/inventory/release", "{ }", "bookingId" },
        { "/api/inventory/release", "{ \"bookingId\": \"b-1\", \"reason\": \"Expired\" }", "reason" },
        { "/api/inventory/release", "{ \"bookingId\": \"b-1\", \"reason\": \"Whatever\" }", "reason" },
        { "/api/inventory/check-availability", "{ \"items\": [ { \"itemId\": \"A\", \"quantity\": 0 } ] }", "items[0].quantity" },
        { "/api/inventory/items", "{ \"itemId\": \"X-1\", \"total\": -1, \"name\": \"n\" }", "total" },
        { "/api/inventory/items", "{ \"itemId\": \"X-1\", \"total\": 1 }", "name" },
        { "/api/inventory/adjustments", "{ \"itemId\": \"X-1\", \"delta\": 0, \"reasonCode\": \"Restock\" }", "delta" },
        { "/api/inventory/adjustments", "{ \"itemId\": \"X-1\", \"delta\": 2 }", "reasonCode" },
        { "/api/inventory/adjustments", "{ \"itemId\": \"X-1\", \"delta\": 2, \"reasonCode\": 99 }", "reasonCode" },
        { "/api/inventory/adjustments", "{ \"itemId\": \"X-1\", \"delta\": 2, \"reasonCode\": \"Restock\", \"note\": \"a\u0000b\" }", "note" },
        { "/api/inventory/items", "{ \"itemId\": \"X-1\", \"total\": 1, \"name\": \"nul\u0000name\" }", "name" },
        { "/api/inventory/items", "{ \"itemId\": \"X-1\", \"total\": 1, \"name\": \"n\", \"location\": \"\" }", "location" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Bad_bodies_are_400_problem_details_naming_the_field(string url, string body, string field)
    {
        using var response = await _client.PostRawAsync(url, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadJsonAsync();
        Assert.Equal(400, problem.GetProperty("status").GetInt32());
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name '{field}': {problem}");
    }

    [Fact]
    public async Task Too_many_lines_is_400()
    {
        var lines = Enumerable.Range(0, 51).Select(i => new { itemId = $"ITEM-{i}", quantity = 1 });

        using var response = await _client.PostJsonAsync("/api/inventory/reserve", new { bookingId = "many-lines", items = lines });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("50", (await response.ReadJsonAsync()).GetProperty("errors").GetProperty("items")[0].GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/inventory/bad%01id")]
    [InlineData("/api/inventory/reservations/bad%01id")]
    [InlineData("/api/inventory/reservations/has%20space")]
    public async Task Ids_that_cannot_exist_are_404_not_500(string url)
    {
        using var response = await _client.GetAsync(url);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task An_empty_body_is_400_not_500()
    {
        using var response = await _client.PostAsync("/api/inventory/reserve", new StringContent("", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("/api/inventory?page=0")]
    [InlineData("/api/inventory?pageSize=1000")]
    [InlineData("/api/inventory?stock=plenty")]
    [InlineData("/api/inventory?page=abc")]
    [InlineData("/api/inventory/adjustments?limit=0")]
    [InlineData("/api/inventory?location=%00")]
    public async Task Bad_query_parameters_are_400_problem_details(string url)
    {
        using var response = await _client.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
