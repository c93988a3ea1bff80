namespace BookingSystem.Cli.Tests;

public sealed class DevelopmentSettingsTests
{
    [Fact]
    public void Parse_reads_dotenv_lines_like_eng_lib_and_compose()
    {
        var values = DevelopmentSettings.Parse(
        [
            "# a comment",
            "",
            "PLAIN=value",
            "export EXPORTED=yes",
            "QUOTED=\"with # hash\"",
            "SINGLE='x y'",
            "TRAILING=key123 # the development key",
            "HASH_INSIDE=a#b",
            "not a pair",
        ]);

        Assert.Equal("value", values["PLAIN"]);
        Assert.Equal("yes", values["EXPORTED"]);
        Assert.Equal("with # hash", values["QUOTED"]);
        Assert.Equal("x y", values["SINGLE"]);
        Assert.Equal("key123", values["TRAILING"]);
        Assert.Equal("a#b", values["HASH_INSIDE"]);
        Assert.Equal(6, values.Count);
    }
}
