using System.Net;
using BookingSystem.ApiGateway.Tests.Infrastructure;
using BookingSystem.ApiGateway.Tests.Routing;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;

namespace BookingSystem.ApiGateway.Tests.Security;

/// <summary>A caller that reaches the InventoryService without the gateway meets the same token and policy checks.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class ServiceDefenceInDepthTests(EndToEndSystem system)
{
    public static TheoryData<InventoryRoute, Credential, int> Bypasses => new()
    {
        { InventoryRoute.Reserve, Credential.None, 401 },
        { InventoryRoute.Reserve, Credential.Expired, 401 },
        { InventoryRoute.Reserve, Credential.WrongSignature, 401 },
        { InventoryRoute.Reserve, Credential.WrongAudience, 401 },
        { InventoryRoute.GetReservation, Credential.None, 401 },
        { InventoryRoute.CreateItem, Credential.None, 401 },
        { InventoryRoute.CreateItem, Credential.User, 403 },
        { InventoryRoute.AdjustStock, Credential.User, 403 },
        { InventoryRoute.ListAdjustments, Credential.User, 403 },
        { InventoryRoute.ListDeadLetters, Credential.None, 401 },
        { InventoryRoute.ReplayDeadLetters, Credential.User, 403 },
        { InventoryRoute.CreateItem, Credential.Admin, 201 },
        { InventoryRoute.Reserve, Credential.User, 201 },
        { InventoryRoute.ListItems, Credential.None, 200 },
        { InventoryRoute.ChangeCalendar, Credential.None, 401 },
        { InventoryRoute.ChangeCalendar, Credential.User, 403 },
        { InventoryRoute.ListCalendarChanges, Credential.User, 403 },
        { InventoryRoute.GetCalendar, Credential.None, 200 },
    };

    [Theory]
    [MemberData(nameof(Bypasses))]
    public async Task The_service_itself_enforces_tokens_and_policies(InventoryRoute route, Credential credential, int expectedStatus)
    {
        var (method, path, body) = await InventoryRoutes.All[route].Build(system);

        using var response = await system.SendAsync(system.Service, method, path, credential, body);

        Assert.Equal(expectedStatus, (int)response.StatusCode);
        if (expectedStatus is 401 or 403)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task An_adjustment_records_the_subject_of_the_admin_token_as_performed_by()
    {
        using var adjusted = await system.SendAsync(system.Gateway, HttpMethod.Post, "/api/inventory/adjustments", Credential.Admin,
            new { itemId = system.SharedItemId, delta = 2, reasonCode = "Restock", note = "audit-subject" });

        Assert.Equal(HttpStatusCode.Created, adjusted.StatusCode);
        Assert.Equal(EndToEndSystem.AdminSubject, (await adjusted.ReadJsonAsync()).GetProperty("adjustment").GetProperty("performedBy").GetString());
    }
}
