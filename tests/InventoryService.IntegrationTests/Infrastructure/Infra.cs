using System.Diagnostics;

namespace BookingSystem.InventoryService.IntegrationTests.Infrastructure;

/// <summary>Runs <c>eng/infra.sh</c> (the tests that stop and start the shared broker or database) and fails on a non-zero exit.</summary>
public static class Infra
{
    public static async Task RunAsync(params string[] arguments)
    {
        var script = Path.Combine(TestEnvironment.RepositoryRoot(), "eng", "infra.sh");
        using var process = Process.Start(new ProcessStartInfo(script, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"eng/infra.sh {string.Join(' ', arguments)} failed: {output}");
    }
}
