using System.Diagnostics;

namespace BookingSystem.ApiGateway.Tests.Infrastructure;

/// <summary>What one chromium run printed: the DOM for <c>--dump-dom</c> on stdout, its log (console messages) on stderr.</summary>
public sealed record ChromiumRun(int ExitCode, string Output, string Log);

/// <summary>
/// Debian's <c>chromium</c> (eng/test.sh installs it), run headless once per call on a fresh profile, so pages are
/// checked by a real browser engine: scripts run, the Content-Security-Policy is enforced, console messages are
/// logged. Each run is bounded in time and killed, with its children, when it overruns.
/// </summary>
public static class HeadlessChromium
{
    public const string Command = "chromium";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>Virtual milliseconds the page may run (timers, scripts) before the DOM or the screenshot is taken.</summary>
    private const int VirtualTimeBudgetMs = 15_000;

    /// <summary>The DOM after the page's scripts ran.</summary>
    public static Task<ChromiumRun> DumpDomAsync(Uri url) => RunAsync(url, "--dump-dom");

    /// <summary>A PNG of the page's first 1280x1000 pixels, written to <paramref name="path"/>.</summary>
    public static Task<ChromiumRun> ScreenshotAsync(Uri url, string path) =>
        RunAsync(url, $"--screenshot={path}", "--window-size=1280,1000", "--hide-scrollbars");

    private static async Task<ChromiumRun> RunAsync(Uri url, params string[] arguments)
    {
        var executable = FindOnPath(Command) ?? throw new InvalidOperationException(
            $"'{Command}' is not on PATH. The browser tests need Debian's chromium package: eng/test.sh installs it, "
            + "or run `apt-get install -y chromium`.");
        // A profile of its own: two runs at once (other test runs on this machine) would fight over the default one.
        var profile = Directory.CreateTempSubdirectory("chromium-profile-");
        try
        {
            var start = new ProcessStartInfo(executable)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            string[] common =
            [
                "--headless", "--no-sandbox", "--disable-gpu", $"--user-data-dir={profile.FullName}",
                "--enable-logging=stderr", "--v=0", $"--virtual-time-budget={VirtualTimeBudgetMs}",
            ];
            foreach (var argument in common.Concat(arguments).Append(url.ToString()))
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var log = process.StandardError.ReadToEndAsync();
            using var cancel = new CancellationTokenSource(Timeout);
            try
            {
                await process.WaitForExitAsync(cancel.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                throw new TimeoutException($"chromium did not finish {url} within {Timeout.TotalSeconds} s and was killed:"
                    + Environment.NewLine + await log);
            }

            return new ChromiumRun(process.ExitCode, await output, await log);
        }
        finally
        {
            profile.Delete(recursive: true);
        }
    }

    private static string? FindOnPath(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, command))
            .FirstOrDefault(File.Exists);
}
