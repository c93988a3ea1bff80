using System.Diagnostics;
using System.Reflection;

namespace BookingSystem.Cli.Tests.Infrastructure;

/// <summary>The result of one run of the real <c>booking</c> program.</summary>
public sealed record CliRun(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}{Environment.NewLine}stdout:{Environment.NewLine}{Output}{Environment.NewLine}stderr:{Environment.NewLine}{Error}";
}

/// <summary>
/// Runs the CLI as a real process (<c>dotnet booking.dll ...</c>, the build <c>dotnet test</c> just made) with the
/// runner's environment minus anything that configures our programs, plus the given settings, from the repository root.
/// </summary>
public static class CliProcess
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public static Task<CliRun> RunAsync(IReadOnlyDictionary<string, string> settings, params string[] arguments) =>
        RunAsync(settings, DefaultTimeout, arguments);

    /// <param name="timeout">How long the run may take before it is killed (and the test fails).</param>
    public static async Task<CliRun> RunAsync(IReadOnlyDictionary<string, string> settings, TimeSpan timeout, params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = BookingSystem.InventoryService.IntegrationTests.Infrastructure.TestEnvironment.RepositoryRoot(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(BuiltAssembly("booking"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Service-style settings (RabbitMq__VirtualHost, ...) win over the .env names in the CLI: none may leak in.
        foreach (var key in start.Environment.Keys.Where(k => k.Contains("__", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"booking {string.Join(' ', arguments)} did not exit within {timeout.TotalSeconds:0} s: {await output}{await error}");
        }

        return new CliRun(process.ExitCode, await output, await error);
    }

    /// <summary>The build of a project the test project references with <c>SystemUnderTest="true"</c>.</summary>
    public static string BuiltAssembly(string assemblyName) =>
        typeof(CliProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == "SystemUnderTest:" + assemblyName)?.Value is { } path && File.Exists(path)
            ? path
            : throw new InvalidOperationException($"{assemblyName}.dll was not built; build the solution first.");
}
