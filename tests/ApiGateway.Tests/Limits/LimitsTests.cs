using System.Net;
using System.Net.Http.Headers;
using BookingSystem.ApiGateway.Tests.Infrastructure;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;

namespace BookingSystem.ApiGateway.Tests.Limits;

[Collection(EndToEndCollection.Name)]
public sealed class LimitsTests(EndToEndSystem system)
{
    private const int BodyLimit = 64 * 1024;

    [Fact]
    public async Task A_client_over_its_rate_limit_gets_429_with_Retry_After_while_other_clients_go_on()
    {
        // The limited gateway allows 3 requests a minute per client; anonymous callers are keyed by address.
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 6 && limited is null; i++)
        {
            var response = await system.SendAsync(system.LimitedGateway, HttpMethod.Get, $"/api/inventory/{system.SharedItemId}", Credential.None);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
            else
            {
                response.Dispose();
            }
        }

        using var otherClient = await system.SendAsync(system.LimitedGateway, HttpMethod.Get, $"/api/inventory/{system.SharedItemId}", Credential.User);

        Assert.NotNull(limited);
        using (limited)
        {
            Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
            var retryAfter = limited.Headers.RetryAfter?.Delta;
            Assert.NotNull(retryAfter);
            Assert.InRange(retryAfter.Value.TotalSeconds, 1, 60);
            Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
            Assert.Equal(429, (await limited.ReadJsonAsync()).GetProperty("status").GetInt32());
        }

        Assert.Equal(HttpStatusCode.OK, otherClient.StatusCode);
        Assert.True(await system.LimitedGateway.WaitForOutputAsync("Rate limit reached for ip:127.0.0.1", TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task A_body_declared_larger_than_64_KB_is_refused_with_413()
    {
        using var request = EndToEndSystem.Request(system.Gateway, HttpMethod.Post, "/api/inventory/check-availability", token: null);
        request.Content = new StringContent(OversizedJson(), System.Text.Encoding.UTF8, "application/json");

        using var response = await OwnConnection.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(413, (await response.ReadJsonAsync()).GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_chunked_body_that_grows_past_64_KB_is_refused_with_413()
    {
        using var request = EndToEndSystem.Request(system.Gateway, HttpMethod.Post, "/api/inventory/check-availability", token: null);
        // A stream of unknown length is sent chunked: no Content-Length to check up front.
        request.Content = new StreamContent(new UnseekableStream(System.Text.Encoding.UTF8.GetBytes(OversizedJson())));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await OwnConnection.SendAsync(request);

        Assert.Null(request.Content.Headers.ContentLength);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_body_just_under_the_limit_is_forwarded()
    {
        var padding = new string('x', BodyLimit - 200);
        using var response = await system.SendAsync(system.Gateway, HttpMethod.Post, "/api/inventory/check-availability", Credential.None,
            new { itemId = system.SharedItemId, quantity = 1, padding });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>
    /// A client of its own for the refused bodies: the gateway closes a connection whose body it did not read, and
    /// that connection must not go back to the shared pool, where the next test would pick it up half-closed.
    /// </summary>
    private static HttpClient OwnConnection { get; } = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero });

    private static string OversizedJson() => "{\"itemId\":\"" + new string('x', BodyLimit + 1024) + "\"}";

    /// <summary>A read-only stream that hides its length, so HttpClient must use chunked transfer encoding.</summary>
    private sealed class UnseekableStream(byte[] content) : MemoryStream(content)
    {
        public override bool CanSeek => false;
    }
}
