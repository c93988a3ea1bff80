using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace BookingSystem.Cli.Bench;

/// <summary>
/// One InventoryService process (<c>dotnet &lt;dll&gt;</c>) with the bench's settings and nothing inherited that
/// configures it, its console output appended to a log file, its working set sampled four times a second. It serves
/// HTTP (its health endpoints, and the reads of a nightly scenario) on a Unix socket: no TCP port to pick, none to race
/// other programs for.
/// </summary>
/// <remarks>
/// The console output goes to the file itself (a shell opens it and execs the service, so the pid is the
/// service's), as when <c>eng/run.sh</c> runs with its output in a file: not through a pipe that the bench drains.
/// Serilog's console sink writes synchronously, three lines per booking at Information; through a pipe each line
/// was a wake-up and a string in the bench, and a pipe not drained in time blocked the service's logging threads.
/// </remarks>
public sealed class ServiceProcess : IAsyncDisposable
{
    public static readonly TimeSpan SamplingInterval = TimeSpan.FromMilliseconds(250);
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(20);

    private readonly HttpClient _probe;
    private readonly Process _process;
    private readonly Timer _sampler;
    private long _peakSampled;

    private ServiceProcess(Process process, string socketPath)
    {
        _process = process;
        SocketPath = socketPath;
        _probe = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (_, ct) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), ct);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        })
        {
            BaseAddress = new Uri("http://localhost/"),
            Timeout = TimeSpan.FromSeconds(2),
        };
        _sampler = new Timer(_ => Sample(), null, TimeSpan.Zero, SamplingInterval);
    }

    public string SocketPath { get; }

    /// <summary>A client of the service's HTTP API (a request times out after 2 s).</summary>
    public HttpClient Http => _probe;

    /// <summary>
    /// What <c>ASPNETCORE_URLS</c> must say for the service to listen on <paramref name="socketPath"/>.
    /// </summary>
    public static string UrlOf(string socketPath) => "http://unix:" + socketPath;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>
    /// The higher of the sampled resident set and the kernel's high-water mark (VmHWM), for the process's lifetime.
    /// </summary>
    public long PeakWorkingSetBytes
    {
        get
        {
            Sample();
            return Interlocked.Read(ref _peakSampled);
        }
    }

    /// <param name="settings">The environment of the process: configuration keys (<c>RabbitMq__Host</c>, ...);
    /// <c>ASPNETCORE_URLS</c> is set here.</param>
    /// <param name="socketPath">Where it listens; a stale socket file of an earlier process is removed first.</param>
    public static ServiceProcess Start(string dll, IReadOnlyDictionary<string, string> settings, string socketPath, string logPath)
    {
        var start = new ProcessStartInfo("/bin/sh")
        {
            // appsettings.json is read from the content root, which is the working directory.
            WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(dll))!,
            UseShellExecute = false,
        };
        // sh opens the log for appending and becomes the service (exec): the same pid, no process in between.
        string[] arguments =
        [
            "-c", "log=$1; shift; exec \"$@\" >>\"$log\" 2>&1 </dev/null", "sh", Path.GetFullPath(logPath),
            Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", dll,
        ];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Whatever configures our programs in the caller's shell (eng scripts, a developer's exports) must not leak in.
        foreach (var key in start.Environment.Keys.Where(IsProgramSetting).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        start.Environment["ASPNETCORE_URLS"] = UrlOf(socketPath);
        File.Delete(socketPath);

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(logPath))!);
        File.AppendAllText(logPath, $"---- {DateTimeOffset.UtcNow:O} dotnet {dll}{Environment.NewLine}");
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.Start();
        return new ServiceProcess(process, socketPath);
    }

    /// <summary>
    /// Polls <c>/health/ready</c> and then <c>/health/messaging</c> until each answers 200; throws if the process exits
    /// or time runs out. Readiness alone does not wait for the consumers (the HTTP API works without the broker), and a
    /// BookingCreated published before the service has declared its queue comes back unroutable.
    /// </summary>
    public async Task WaitReadyAsync(TimeSpan timeout, CancellationToken ct)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        await WaitHealthyAsync("/health/ready", deadline, timeout, ct);
        await WaitHealthyAsync("/health/messaging", deadline, timeout, ct);
    }

    private async Task WaitHealthyAsync(string path, long deadline, TimeSpan timeout, CancellationToken ct)
    {
        var ready = new Uri(_probe.BaseAddress!, path);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (HasExited)
            {
                throw new BenchException(
                    $"The InventoryService exited with code {_process.ExitCode} before {path} answered (see its log).");
            }

            try
            {
                using var response = await _probe.GetAsync(ready, ct);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet (no socket file, or nobody behind it).
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                // Listening, not answering yet.
            }

            await Task.Delay(100, ct);
        }

        throw new BenchException(
            $"The InventoryService did not answer 200 on {UrlOf(SocketPath)}{path} within {timeout.TotalSeconds:0} s (see its log).");
    }

    /// <summary>
    /// SIGTERM (the graceful stop: consumers drain, the outbox dispatcher finishes its batch), then SIGKILL after <see
    /// cref="StopGrace"/>.
    /// </summary>
    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            Sample();
            using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var grace = new CancellationTokenSource(StopGrace);
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        await _sampler.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
        _probe.Dispose();
        File.Delete(SocketPath);
    }

    private static bool IsProgramSetting(string key) =>
        key.Contains("__", StringComparison.Ordinal)
        || key.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
        || key == "DOTNET_ENVIRONMENT";

    private void Sample()
    {
        try
        {
            if (_process.HasExited)
            {
                return;
            }

            _process.Refresh();
            // On Linux PeakWorkingSet64 is the kernel's VmHWM, WorkingSet64 the current VmRSS.
            var peak = Math.Max(_process.PeakWorkingSet64, _process.WorkingSet64);
            long seen;
            while (peak > (seen = Interlocked.Read(ref _peakSampled)) && Interlocked.CompareExchange(ref _peakSampled, peak, seen) != seen)
            {
                // Another sample raced us: compare again.
            }
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Exited between the check and the read: the last sample stands.
        }
    }
}

/// <summary>
/// A bench failure worth one line to the operator (the cause, if any, is in <see cref="Exception.InnerException"/>).
/// </summary>
public sealed class BenchException(string message, Exception? inner = null) : Exception(message, inner);
