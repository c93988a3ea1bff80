using BookingSystem.ApiGateway.Tests.Infrastructure;
using BookingSystem.InventoryService.IntegrationTests.Infrastructure;

namespace BookingSystem.ApiGateway.Tests.Security;

/// <summary>
/// Neither program starts when it could validate no token, or in Production with the public development key from
/// .env; the service does not start in Production with the public database or broker passwords of .env for a server
/// that is not on loopback. Each stops at once and says what to set.
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

    public static TheoryData<string, string, string, string, string> PublicPasswords => new()
    {
        // The database server off loopback with the .env password; the broker fine.
        { $"Host=db.example;Port=5432;Database=inventory;Username=booking;Password={TestEnvironment.Get("POSTGRES_PASSWORD")}", "false", "RabbitMq__Host", "broker.example", "ConnectionStrings:Inventory" },
        // The database fine; the broker off loopback with the service's .env password.
        { "Host=127.0.0.1;Port=1;Database=none;Username=none;Password=none", "true", "RabbitMq__Host", "broker.example", "RabbitMq:Password" },
        // The same for a cluster with one node off loopback.
        { "Host=127.0.0.1;Port=1;Database=none;Username=none;Password=none", "true", "RabbitMq__Endpoints", "127.0.0.1:5672,broker.example:5672", "RabbitMq:Password" },
    };

    [Theory]
    [MemberData(nameof(PublicPasswords))]
    public async Task In_Production_the_service_refuses_the_public_development_passwords_for_servers_off_loopback(
        string connectionString, string brokerEnabled, string brokerSetting, string brokerNodes, string setting)
    {
        var brokerPassword = TestEnvironment.Get("RABBITMQ_SERVICE_PASSWORD");
        await using var app = AppProcess.Start("inventory", "BookingSystem.InventoryService", new Dictionary<string, string>
        {
            ["Jwt__SigningKey"] = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            ["ConnectionStrings__Inventory"] = connectionString,
            ["RabbitMq__Enabled"] = brokerEnabled,
            [brokerSetting] = brokerNodes,
            ["RabbitMq__UserName"] = TestEnvironment.Get("RABBITMQ_SERVICE_USER"),
            ["RabbitMq__Password"] = brokerPassword,
        }, TestEnvironment.FreePort());

        var exitCode = await app.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.True(exitCode is not null and not 0, $"the service kept running or exited 0:{Environment.NewLine}{app.Output}");
        Assert.Contains($"{setting} uses a public development password", app.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(TestEnvironment.Get("POSTGRES_PASSWORD"), app.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(brokerPassword, app.Output, StringComparison.Ordinal);
    }
}
