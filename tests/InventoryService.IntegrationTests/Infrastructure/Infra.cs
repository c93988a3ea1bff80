using System.Diagnostics;

namespace BookingSystem.InventoryService.IntegrationTests.Infrastructure;

/// <summary>Runs <c>eng/infra.sh</c> (the tests that stop and start the shared broker or database) and fails on a non-zero exit.</summary>
public static class Infra
{
    /// <summary>Fails after three minutes (killing the script and what it started in the foreground).</summary>
    public static async Task RunAsync(params string[] arguments)
    {
        var script = Path.Combine(TestEnvironment.RepositoryRoot(), "eng", "infra.sh");
        using var process = Process.Start(new ProcessStartInfo(script, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"eng/infra.sh {string.Join(' ', arguments)} did not finish within 3 minutes");
        }

        Assert.True(process.ExitCode == 0, $"eng/infra.sh {string.Join(' ', arguments)} failed: {await stdout}{await stderr}");
    }
}
