using System.Net;
using BookingSystem.ApiGateway.Tests.Infrastructure;
using BookingSystem.ApiGateway.Tests.Routing;

namespace BookingSystem.ApiGateway.Tests.Cli;

/// <summary>The README's walkthrough depends on `booking token`: its tokens must open exactly what they should.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class TokenCommandTests(EndToEndSystem system)
{
    [Fact]
    public async Task An_admin_token_from_the_cli_may_create_items_and_a_user_token_may_reserve_but_not_adjust()
    {
        var adminToken = await MintAsync("token", "--user", "cli-admin", "--admin", "--minutes", "5");
        var userToken = await MintAsync("token", "--user", "cli-alice");

        using var created = await system.Client.SendAsync(EndToEndSystem.Request(system.Gateway, HttpMethod.Post, "/api/inventory/items", adminToken,
            new { itemId = InventoryRoutes.UniqueId("CLI"), name = "Minted", total = 1 }));
        using var reserved = await system.Client.SendAsync(EndToEndSystem.Request(system.Gateway, HttpMethod.Post, "/api/inventory/reserve", userToken,
            new { bookingId = InventoryRoutes.UniqueId("cli"), itemId = system.SharedItemId }));
        using var forbidden = await system.Client.SendAsync(EndToEndSystem.Request(system.Gateway, HttpMethod.Get, "/api/inventory/adjustments", userToken));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Created, reserved.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    [Fact]
    public async Task The_cli_refuses_a_lifetime_out_of_range()
    {
        await using var cli = Run("token", "--user", "x", "--minutes", "0");

        Assert.Equal(1, await cli.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("--minutes must be between 1 and 1440.", cli.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("two words")]
    public async Task The_cli_refuses_an_unusable_user_with_a_message_not_a_stack_trace(string user)
    {
        await using var cli = Run("token", "--user", user);

        Assert.Equal(1, await cli.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("--user must be 1-64 characters without spaces.", cli.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", cli.Output, StringComparison.Ordinal);
    }

    private async Task<string> MintAsync(params string[] arguments)
    {
        await using var cli = Run(arguments);
        Assert.Equal(0, await cli.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        return Assert.Single(cli.Output.Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries)).Trim();
    }

    private AppProcess Run(params string[] arguments) =>
        AppProcess.Start("booking", "booking", new Dictionary<string, string> { ["Jwt__SigningKey"] = system.Jwt.SigningKey! }, port: 0, arguments);
}
