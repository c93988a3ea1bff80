using System.Net;
using System.Text;
using BookingSystem.ApiGateway.Tests.Infrastructure;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;

namespace BookingSystem.ApiGateway.Tests.Observability;

/// <summary>
/// A client's mistake is not a server error in the service's log: a body that fails binding and a duplicate item are
/// logged with their real status (400, 409) below error level and without a stack trace, so an alert on errors does
/// not page anyone for a typo.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ClientErrorLogTests(EndToEndSystem system)
{
    [Fact]
    public async Task A_malformed_body_and_a_duplicate_item_are_logged_with_their_status_below_error_level()
    {
        var malformed = "log-400-" + Guid.NewGuid().ToString("N");
        var duplicate = "log-409-" + Guid.NewGuid().ToString("N");
        var itemId = "LOG-" + Guid.NewGuid().ToString("N")[..12];

        using var bad = await SendAsync(malformed, """{"itemId": "X", "total": "many"}""");
        using var first = await SendAsync(duplicate, $$"""{"itemId":"{{itemId}}","name":"Room","total":5}""");
        using var again = await SendAsync(duplicate, $$"""{"itemId":"{{itemId}}","name":"Room","total":5}""");

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.Created, HttpStatusCode.Conflict),
            (bad.StatusCode, first.StatusCode, again.StatusCode));
        await Eventually.HoldsAsync(() => Task.FromResult(Lines(duplicate).Count(l => l.Contains("responded", StringComparison.Ordinal)) == 2),
            TimeSpan.FromSeconds(10), () => "the service did not log both requests: " + string.Join('\n', Lines(duplicate)));
        var badLines = Lines(malformed);
        var duplicateLines = Lines(duplicate);

        Assert.Contains(badLines, l => l.Contains(" INF] ", StringComparison.Ordinal) && l.Contains("responded 400", StringComparison.Ordinal));
        Assert.Contains(duplicateLines, l => l.Contains(" INF] ", StringComparison.Ordinal) && l.Contains("responded 409", StringComparison.Ordinal));
        Assert.All(badLines.Concat(duplicateLines), l => Assert.DoesNotMatch(@"^\[\d\d:\d\d:\d\d (ERR|FTL)\]", l));
        Assert.DoesNotContain(system.Service.Output.Split('\n'), l => l.Contains("AK_inventory_items_item_id", StringComparison.Ordinal));
    }

    private async Task<HttpResponseMessage> SendAsync(string correlationId, string json)
    {
        using var request = EndToEndSystem.Request(system.Service, HttpMethod.Post, "/api/inventory/items", system.TokenFor(Credential.Admin));
        request.Headers.Add("X-Correlation-ID", correlationId);
        request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        return await system.Client.SendAsync(request);
    }

    /// <summary>The service's console lines of one request (they carry its correlation id).</summary>
    private List<string> Lines(string correlationId) =>
        [.. system.Service.Output.Split('\n').Where(l => l.Contains(correlationId, StringComparison.Ordinal))];
}
