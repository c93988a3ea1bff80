namespace BookingSystem.InventoryService.UnitTests;

public sealed class DevelopmentPasswordsTests
{
    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.0.0.53", true)]
    [InlineData("::1", true)]
    [InlineData("localhost", true)]
    [InlineData("/var/run/postgresql", true)]
    [InlineData("postgres", false)]
    [InlineData("10.0.0.5", false)]
    [InlineData("db.example", false)]
    [InlineData(null, false)]
    public void Only_this_machine_counts_as_loopback(string? host, bool loopback) =>
        Assert.Equal(loopback, DevelopmentPasswords.IsLoopback(host));

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("a-password-of-my-own")]
    public void A_password_of_ones_own_is_not_public(string? password) => Assert.False(DevelopmentPasswords.IsPublic(password));
}
