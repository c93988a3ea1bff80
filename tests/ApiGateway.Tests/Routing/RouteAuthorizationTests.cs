using System.Net;
using BookingSystem.ApiGateway.Tests.Infrastructure;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;
using BookingSystem.Security;

namespace BookingSystem.ApiGateway.Tests.Routing;

/// <summary>Every route of the gateway against every kind of credential, through the real gateway and service.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class RouteAuthorizationTests(EndToEndSystem system)
{
    public static TheoryData<InventoryRoute, Credential, int> Matrix()
    {
        var data = new TheoryData<InventoryRoute, Credential, int>();
        foreach (var (route, routeCase) in InventoryRoutes.All)
        {
            foreach (var credential in Enum.GetValues<Credential>())
            {
                data.Add(route, credential, InventoryRoutes.ExpectedStatus(routeCase, credential));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Route_with_credential_answers_the_expected_status(InventoryRoute route, Credential credential, int expectedStatus)
    {
        var (method, path, body) = await InventoryRoutes.All[route].Build(system);

        using var response = await system.SendAsync(system.Gateway, method, path, credential, body);

        Assert.True(expectedStatus == (int)response.StatusCode,
            $"{method} {path} with {credential}: expected {expectedStatus}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        if (expectedStatus is 401 or 403)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(expectedStatus, (await response.ReadJsonAsync()).GetProperty("status").GetInt32());
        }
    }

    [Fact]
    public async Task A_401_challenges_for_a_bearer_token_and_says_why_an_expired_one_failed()
    {
        using var none = await system.SendAsync(system.Gateway, HttpMethod.Post, "/api/inventory/reserve", Credential.None, new { bookingId = "x" });
        using var expired = await system.SendAsync(system.Gateway, HttpMethod.Post, "/api/inventory/reserve", Credential.Expired, new { bookingId = "x" });

        Assert.Equal("Bearer", Assert.Single(none.Headers.WwwAuthenticate).Scheme);
        Assert.Contains("invalid_token", Assert.Single(expired.Headers.WwwAuthenticate).Parameter, StringComparison.Ordinal);
        Assert.Contains("expired", Assert.Single(expired.Headers.WwwAuthenticate).Parameter, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_expired_within_the_30_second_clock_skew_is_still_accepted_and_one_beyond_it_is_not()
    {
        var now = DateTimeOffset.UtcNow;
        var withinSkew = BookingTokens.Create(system.Jwt, EndToEndSystem.UserSubject, [], now.AddMinutes(-10), now.AddSeconds(-10));
        var beyondSkew = BookingTokens.Create(system.Jwt, EndToEndSystem.UserSubject, [], now.AddMinutes(-10), now.AddSeconds(-60));

        using var accepted = await system.Client.SendAsync(EndToEndSystem.Request(system.Gateway, HttpMethod.Get, "/api/inventory/reservations/none-such", withinSkew));
        using var refused = await system.Client.SendAsync(EndToEndSystem.Request(system.Gateway, HttpMethod.Get, "/api/inventory/reservations/none-such", beyondSkew));

        Assert.Equal(HttpStatusCode.NotFound, accepted.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    public static TheoryData<string, string, Credential, int> NotAllowed => new()
    {
        { "DELETE", "/api/inventory/ROOM-101", Credential.None, 401 },
        { "DELETE", "/api/inventory/ROOM-101", Credential.Admin, 403 },
        { "PUT", "/api/inventory/items", Credential.Admin, 403 },
        { "GET", "/api/inventory/items/extra/segments", Credential.Admin, 403 },
        { "GET", "/api/inventory/admin/dead-letters/replay", Credential.Admin, 403 },
        { "DELETE", "/api/inventory/admin/dead-letters", Credential.Admin, 403 },
        { "POST", "/openapi/v1.json", Credential.None, 401 },
        { "GET", "/openapi/v2.json", Credential.None, 401 },
        { "POST", "/scalar/", Credential.Admin, 403 },
        { "GET", "/health/ready", Credential.Admin, 403 },
    };

    [Theory]
    [MemberData(nameof(NotAllowed))]
    public async Task The_fallback_policy_refuses_what_no_route_explicitly_allows(string method, string path, Credential credential, int expectedStatus)
    {
        using var response = await system.SendAsync(system.Gateway, new HttpMethod(method), path, credential);

        Assert.Equal(expectedStatus, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_audit_trail_route_wins_over_the_item_route_for_GET_adjustments()
    {
        // Anonymous GET /api/inventory/{itemId} would answer 404 "Item not found" for "adjustments"; the admin route answers first.
        using var anonymous = await system.SendAsync(system.Gateway, HttpMethod.Get, "/api/inventory/adjustments", Credential.None);
        using var admin = await system.SendAsync(system.Gateway, HttpMethod.Get, "/api/inventory/adjustments", Credential.Admin);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Equal(System.Text.Json.JsonValueKind.Array, (await admin.ReadJsonAsync()).ValueKind);
    }
}
