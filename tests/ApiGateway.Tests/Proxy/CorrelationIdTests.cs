using System.Net;
using System.Text.RegularExpressions;
using BookingSystem.ApiGateway.Tests.Infrastructure;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;

namespace BookingSystem.ApiGateway.Tests.Proxy;

[Collection(EndToEndCollection.Name)]
public sealed partial class CorrelationIdTests(EndToEndSystem system)
{
    private const string Header = "X-Correlation-ID";

    [Fact]
    public async Task Without_a_correlation_id_the_gateway_creates_one_that_the_service_uses()
    {
        var (response, reservation) = await ReserveThroughGatewayAsync(correlationId: null);

        using (response)
        {
            var created = Assert.Single(response.Headers.GetValues(Header));
            Assert.Matches(GeneratedId(), created);
            Assert.Equal(created, reservation);
        }
    }

    [Fact]
    public async Task A_valid_correlation_id_is_kept_forwarded_to_the_service_and_echoed_once()
    {
        var supplied = "e2e:" + Guid.NewGuid().ToString("N");

        var (response, reservation) = await ReserveThroughGatewayAsync(supplied);

        using (response)
        {
            Assert.Equal(supplied, Assert.Single(response.Headers.GetValues(Header)));
            Assert.Equal(supplied, reservation);
        }

        Assert.True(await system.Service.WaitForOutputAsync(supplied, TimeSpan.FromSeconds(5)),
            $"the service's log never mentioned {supplied}:{Environment.NewLine}{system.Service.Output}");
    }

    [Theory]
    [InlineData("has spaces")]
    [InlineData("-starts-with-a-dash")]
    [InlineData("semi;colon")]
    [InlineData("x12345678901234567890123456789012345678901234567890123456789012345")]
    public async Task An_invalid_correlation_id_is_replaced_by_a_new_one(string supplied)
    {
        var (response, reservation) = await ReserveThroughGatewayAsync(supplied);

        using (response)
        {
            var used = Assert.Single(response.Headers.GetValues(Header));
            Assert.NotEqual(supplied, used);
            Assert.Matches(GeneratedId(), used);
            Assert.Equal(used, reservation);
        }
    }

    [Fact]
    public async Task The_gateway_own_errors_carry_the_correlation_id_too()
    {
        using var request = EndToEndSystem.Request(system.Gateway, HttpMethod.Post, "/api/inventory/items", token: null, new { });
        request.Headers.Add(Header, "refused-1");

        using var response = await system.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("refused-1", Assert.Single(response.Headers.GetValues(Header)));
    }

    private async Task<(HttpResponseMessage Response, string? ReservationCorrelationId)> ReserveThroughGatewayAsync(string? correlationId)
    {
        using var request = EndToEndSystem.Request(system.Gateway, HttpMethod.Post, "/api/inventory/reserve", system.TokenFor(Credential.User),
            new { bookingId = "corr-" + Guid.NewGuid().ToString("N"), itemId = system.SharedItemId, quantity = 1 });
        if (correlationId is not null)
        {
            request.Headers.TryAddWithoutValidation(Header, correlationId);
        }

        var response = await system.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (response, (await response.ReadJsonAsync()).GetProperty("correlationId").GetString());
    }

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex GeneratedId();
}
