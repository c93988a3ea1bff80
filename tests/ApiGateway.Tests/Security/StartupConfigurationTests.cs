using BookingSystem.ApiGateway.Tests.Infrastructure;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;

namespace BookingSystem.ApiGateway.Tests.Security;

/// <summary>
/// Neither program starts when it could validate no token, or in Production with the public development key from
/// .env: it stops at once and says what to set.
/// </summary>
public sealed class StartupConfigurationTests
{
    public static TheoryData<string, string, string> Cases => new()
    {
        { "BookingSystem.ApiGateway", "", "Jwt:SigningKey is not set and no Jwt:Authority is configured" },
        { "BookingSystem.ApiGateway", "too-short-key", "it must be at least 32 bytes (256 bits)" },
        { "BookingSystem.InventoryService", "", "Jwt:SigningKey is not set and no Jwt:Authority is configured" },
        { "BookingSystem.ApiGateway", TestEnvironment.Get("JWT_SIGNING_KEY"), "Jwt:SigningKey is the public development key" },
        { "BookingSystem.InventoryService", TestEnvironment.Get("JWT_SIGNING_KEY"), "Jwt:SigningKey is the public development key" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_missing_short_or_public_development_signing_key_stops_the_program_with_a_clear_message(string program, string signingKey, string message)
    {
        await using var app = AppProcess.Start(program, program, new Dictionary<string, string>
        {
            ["Jwt__SigningKey"] = signingKey,
            // Never reached: the JWT check comes first. Present so the service's own connection-string check passes.
            ["ConnectionStrings__Inventory"] = "Host=127.0.0.1;Port=1;Database=none;Username=none;Password=none",
            ["RabbitMq__Enabled"] = "false",
        }, TestEnvironment.FreePort());

        var exitCode = await app.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.True(exitCode is not null and not 0, $"{program} kept running or exited 0:{Environment.NewLine}{app.Output}");
        Assert.Contains(message, app.Output, StringComparison.Ordinal);
        if (signingKey.Length > 0)
        {
            Assert.DoesNotContain(signingKey, app.Output, StringComparison.Ordinal);
        }
    }
}
