namespace BookingSystem.InventoryService.IntegrationTests.Infrastructure;

/// <summary>The fingerprints the service refuses are those of the passwords in the repository's .env.</summary>
public sealed class DevelopmentPasswordsMatchEnvTests
{
    [Theory]
    [InlineData("POSTGRES_PASSWORD")]
    [InlineData("RABBITMQ_PASSWORD")]
    [InlineData("RABBITMQ_SERVICE_PASSWORD")]
    public void Every_database_and_broker_password_of_env_is_known_as_public(string variable) =>
        Assert.True(DevelopmentPasswords.IsPublic(TestEnvironment.Get(variable)),
            $"{variable} of .env changed: update DevelopmentPasswords.Fingerprints (SHA-256 hex of the new value)");
}
