using BookingSystem.InventoryService.Validation;

namespace BookingSystem.InventoryService.UnitTests.Validation;

public sealed class IdentifiersTests
{
    [Theory]
    [InlineData("ROOM-101", true)]
    [InlineData("b.2026:11_21-x", true)]
    [InlineData("7f0c9a1e-3c1b-4e1c-9d89-5a7a1f1c2b3d", true)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("-leading-dash", false)]
    [InlineData("has space", false)]
    [InlineData("semi;colon", false)]
    [InlineData("ünïcode", false)]
    public void Only_short_plain_keys_are_valid(string? value, bool valid) => Assert.Equal(valid, Identifiers.IsValid(value));

    [Fact]
    public void Sixty_four_characters_are_allowed_and_sixty_five_are_not()
    {
        Assert.True(Identifiers.IsValid(new string('a', 64)));
        Assert.False(Identifiers.IsValid(new string('a', 65)));
    }
}
