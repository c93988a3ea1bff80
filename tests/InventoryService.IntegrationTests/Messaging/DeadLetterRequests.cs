using System.Net;
using BookingSystem.Contracts;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;

namespace BookingSystem.InventoryService.IntegrationTests.Messaging;

/// <summary>A valid request to each dead-letter endpoint, for the tests about who may call them and when.</summary>
public static class DeadLetterRequests
{
    public static TheoryData<string> Endpoints => new() { "list", "queues", "replay" };

    public static Task<HttpResponseMessage> SendAsync(HttpClient client, string endpoint) => endpoint switch
    {
        "list" => client.GetAsync($"{DeadLettersApiTests.Url}?queue={Topology.BookingCreatedQueue}"),
        "queues" => client.GetAsync(DeadLettersApiTests.Url + "/queues"),
        _ => client.PostJsonAsync(DeadLettersApiTests.ReplayUrl, new { queue = Topology.BookingCreatedQueue }),
    };

    public static async Task AssertUnavailableAsync(HttpResponseMessage response, string title)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(title, (await response.ReadJsonAsync()).GetProperty("title").GetString());
    }
}
