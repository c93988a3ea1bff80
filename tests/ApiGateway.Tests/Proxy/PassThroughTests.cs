using System.Net;
using System.Text.Json.Nodes;
using BookingSystem.ApiGateway.Tests.Infrastructure;

namespace BookingSystem.ApiGateway.Tests.Proxy;

[Collection(EndToEndCollection.Name)]
public sealed class PassThroughTests(EndToEndSystem system)
{
    public static TheoryData<string, string> InvalidBodies => new()
    {
        { "/api/inventory/check-availability", "{ \"items\": 5" },
        { "/api/inventory/check-availability", "{ \"items\": [ { \"itemId\": \"A\", \"quantity\": 0 } ] }" },
        { "/api/inventory/check-availability", "not json at all" },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task An_invalid_body_gets_the_service_400_problem_details_unchanged(string path, string body)
    {
        using var direct = await PostRawAsync(system.Service, path, body);
        using var proxied = await PostRawAsync(system.Gateway, path, body);

        Assert.Equal(HttpStatusCode.BadRequest, direct.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, proxied.StatusCode);
        Assert.Equal("application/problem+json", proxied.Content.Headers.ContentType?.MediaType);
        var expected = await WithoutTraceIdAsync(direct);
        var actual = await WithoutTraceIdAsync(proxied);
        Assert.True(JsonNode.DeepEquals(expected, actual), $"direct: {expected}{Environment.NewLine}proxied: {actual}");
        Assert.True(actual!["errors"]!.AsObject().Count > 0);
    }

    [Fact]
    public async Task A_service_404_passes_through_with_its_own_problem_details()
    {
        using var response = await system.SendAsync(system.Gateway, HttpMethod.Get, "/api/inventory/NO-SUCH-ITEM-404", Credential.None);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("Item not found", (await WithoutTraceIdAsync(response))!["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task Responses_carry_the_security_headers_and_no_server_header()
    {
        using var proxied = await system.SendAsync(system.Gateway, HttpMethod.Get, "/api/inventory?pageSize=1", Credential.None);
        using var refused = await system.SendAsync(system.Gateway, HttpMethod.Post, "/api/inventory/items", Credential.None, new { });

        foreach (var response in new[] { proxied, refused })
        {
            Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
            Assert.Equal("DENY", Header(response, "X-Frame-Options"));
            Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
            Assert.Equal("default-src 'none'; frame-ancestors 'none'", Header(response, "Content-Security-Policy"));
            Assert.False(response.Headers.Contains("Server"));
        }

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.Unauthorized), (proxied.StatusCode, refused.StatusCode));
    }

    private Task<HttpResponseMessage> PostRawAsync(AppProcess target, string path, string body)
    {
        var request = EndToEndSystem.Request(target, HttpMethod.Post, path, token: null);
        request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        return system.Client.SendAsync(request);
    }

    private static async Task<JsonNode?> WithoutTraceIdAsync(HttpResponseMessage response)
    {
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync());
        json?.AsObject().Remove("traceId");
        return json;
    }

    private static string Header(HttpResponseMessage response, string name) =>
        Assert.Single(response.Headers.TryGetValues(name, out var values) ? values : response.Content.Headers.GetValues(name));
}
