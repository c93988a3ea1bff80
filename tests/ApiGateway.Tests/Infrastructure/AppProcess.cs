using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Reflection;

namespace BookingSystem.ApiGateway.Tests.Infrastructure;

/// <summary>
/// One of our programs running as a real process (<c>dotnet &lt;dll&gt;</c>) with its own environment, its
/// console output captured for assertions and for failure messages, and killed on dispose.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private static readonly HttpClient Probe = new() { Timeout = TimeSpan.FromSeconds(2) };
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private volatile bool _disposed;

    private AppProcess(string name, Process process, int port)
    {
        Name = name;
        _process = process;
        Port = port;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
    }

    public string Name { get; }

    public int Port { get; }

    public Uri BaseAddress { get; }

    /// <summary>Everything the process wrote to stdout and stderr so far.</summary>
    public string Output => string.Join(Environment.NewLine, _output);

    /// <summary>Whether the process has ended (true after dispose, which kills it).</summary>
    public bool HasExited => _disposed || _process.HasExited;

    /// <summary>The built assembly of a project the test project references with <c>SystemUnderTest="true"</c>.</summary>
    public static string BuiltAssembly(string assemblyName) =>
        typeof(AppProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == "SystemUnderTest:" + assemblyName)?.Value is { } path && File.Exists(path)
            ? path
            : throw new InvalidOperationException($"{assemblyName}.dll was not built; build the solution (dotnet build BookingSystem.sln) first.");

    /// <summary>
    /// Starts <paramref name="assemblyName"/> listening on http://127.0.0.1:<paramref name="port"/> (0: none),
    /// with the test runner's environment minus anything that configures our programs, plus <paramref name="settings"/>.
    /// </summary>
    public static AppProcess Start(string name, string assemblyName, IReadOnlyDictionary<string, string> settings, int port = 0, params string[] arguments)
    {
        var dll = BuiltAssembly(assemblyName);
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Configuration the runner may have exported (eng scripts, a developer's shell) must not leak in.
        foreach (var key in start.Environment.Keys.Where(IsProgramSetting).ToList())
        {
            start.Environment.Remove(key);
        }

        // Production unless the settings name another environment: the tests check what is deployed.
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        if (port != 0)
        {
            start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        }

        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var app = new AppProcess(name, process, port);
        process.OutputDataReceived += (_, e) => app.Append(e.Data);
        process.ErrorDataReceived += (_, e) => app.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return app;
    }

    /// <summary>Polls <paramref name="path"/> until it answers 200; fails with the process output if it exits or time runs out.</summary>
    public async Task WaitUntilOkAsync(string path, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode} before {path} answered:{Environment.NewLine}{Output}");
            }

            try
            {
                using var response = await Probe.GetAsync(new Uri(BaseAddress, path));
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Listening, not answering yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{Name}: {path} did not answer 200 within {timeout.TotalSeconds} s:{Environment.NewLine}{Output}");
    }

    /// <summary>Waits until the output contains <paramref name="text"/> (logs are written asynchronously to the pipe).</summary>
    public async Task<bool> WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!_output.Any(line => line.Contains(text, StringComparison.Ordinal)))
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(50);
        }

        return true;
    }

    /// <summary>The exit code, or null if the process is still running after <paramref name="timeout"/>.</summary>
    public async Task<int?> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            return _process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Sends SIGTERM (a graceful stop, as an orchestrator does) and waits for the exit code; null if still running after <paramref name="timeout"/>.</summary>
    public async Task<int?> TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        return await WaitForExitAsync(timeout);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await WaitForExitAsync(TimeSpan.FromSeconds(10));
        }

        _disposed = true;
        _process.Dispose();
    }

    private static bool IsProgramSetting(string key) =>
        key.Contains("__", StringComparison.Ordinal)
        || key.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
        || key is "DOTNET_ENVIRONMENT" or "GATEWAY_PORT" or "JWT_SIGNING_KEY" or "JWT_ISSUER" or "JWT_AUDIENCE";

    private void Append(string? line)
    {
        if (line is not null)
        {
            _output.Enqueue(line);
        }
    }
}
