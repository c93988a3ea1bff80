using System.Net;
using System.Text.Json;
using BookingSystem.ApiGateway.Tests.Infrastructure;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;

namespace BookingSystem.ApiGateway.Tests.ApiReference;

/// <summary>What the gateway of a Production system answers for the API reference routes.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class ApiReferenceProductionTests(EndToEndSystem system)
{
    [Fact]
    public async Task The_OpenAPI_document_is_anonymous_and_puts_the_bearer_scheme_on_exactly_the_protected_operations()
    {
        using var response = await system.SendAsync(system.Gateway, HttpMethod.Get, "/openapi/v1.json", Credential.None);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await response.ReadJsonAsync();
        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        Assert.Equal(("http", "bearer", "JWT"),
            (scheme.GetProperty("type").GetString(), scheme.GetProperty("scheme").GetString(), scheme.GetProperty("bearerFormat").GetString()));
        var protectedOperations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject().Select(operation => operation.Value))
            .Where(operation => operation.TryGetProperty("security", out var security)
                && security.EnumerateArray().Any(requirement => requirement.TryGetProperty("Bearer", out _)))
            .Select(operation => operation.GetProperty("operationId").GetString())
            .Order(StringComparer.Ordinal);
        Assert.Equal(
            [
                "AdjustStock", "ChangeCalendar", "CountDeadLetters", "CreateItem", "GetReservation", "ListAdjustments",
                "ListCalendarChanges", "ListDeadLetters", "Release", "ReplayDeadLetters", "Reserve",
            ],
            protectedOperations);
        Assert.Equal("/", Assert.Single(document.GetProperty("servers").EnumerateArray()).GetProperty("url").GetString());
    }

    [Theory]
    [InlineData("/scalar/", Credential.None, 401)]
    [InlineData("/scalar/", Credential.User, 404)]
    [InlineData("/scalar/scalar.js", Credential.User, 404)]
    public async Task The_reference_page_is_Development_only_and_the_gateway_passes_on_what_the_service_answers(
        string path, Credential credential, int expectedStatus)
    {
        using var response = await system.SendAsync(system.Gateway, HttpMethod.Get, path, credential);

        // No endpoint at the service: its fallback policy asks an anonymous caller for a token, a caller with one
        // learns there is nothing there. Either way a problem, not the page.
        Assert.Equal(expectedStatus, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
