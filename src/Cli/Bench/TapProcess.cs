using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using BookingSystem.Cli.Messaging;

namespace BookingSystem.Cli.Bench;

/// <summary>
/// The tap (<c>booking-tap.dll</c>, src/BenchTap) as a process of its own for one measured phase: started before the
/// first booking is sent, stopped (its stdin closed) after the last outcome, its result read from the file it writes.
/// It shares no code with the bench: what it reports is a second opinion, not a copy.
/// </summary>
public sealed class TapProcess : IAsyncDisposable
{
    public static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The tap waits up to 8 s for the broker's statistics to catch up before it writes its file.</summary>
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly string _resultPath;
    private readonly Task<string> _errors;

    private TapProcess(Process process, string resultPath)
    {
        _process = process;
        _resultPath = resultPath;
        _errors = process.StandardError.ReadToEndAsync();
    }

    public int Id => _process.Id;

    /// <param name="bookingKey">The routing key the phase's bookings are published with (the broker ceiling prefixes
    /// it).</param>
    /// <param name="bookingPrefix">Only bookings whose ids start with this count (a warm-up's stragglers do
    /// not).</param>
    public static async Task<TapProcess> StartAsync(
        string dll, BrokerSettings broker, Uri? management, string bookingKey, string bookingPrefix, string resultPath,
        CancellationToken ct)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] arguments =
        [
            dll, "--out", resultPath, "--exchange", broker.Exchange, "--booking-key", bookingKey,
            "--outcome-key", OutcomeObserver.Binding, "--booking-prefix", bookingPrefix,
            "--times", Path.ChangeExtension(resultPath, ".times.csv"),
        ];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // In the environment, not the arguments: `ps` shows arguments to everyone on the machine.
        start.Environment["BENCHTAP_AMQP"] = AmqpUri(broker).AbsoluteUri;
        if (management is not null)
        {
            start.Environment["BENCHTAP_MANAGEMENT"] = management.AbsoluteUri;
        }

        File.Delete(resultPath);
        var process = Process.Start(start) ?? throw new BenchException($"Could not start the tap ({dll}).");
        var tap = new TapProcess(process, resultPath);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(ReadyTimeout);
        try
        {
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
            if (line != "ready")
            {
                throw new BenchException($"The tap did not start: {line ?? ""} {await tap.ErrorsAsync()}".TrimEnd());
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            await tap.DisposeAsync();
            throw new BenchException($"The tap did not say 'ready' within {ReadyTimeout.TotalSeconds:0} s.");
        }
        catch
        {
            await tap.DisposeAsync();
            throw;
        }

        return tap;
    }

    /// <summary>Ends the recording (stdin closed), waits for the file and reads it.</summary>
    public async Task<TapResult> StopAsync()
    {
        _process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(StopTimeout);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new BenchException($"The tap did not write its result within {StopTimeout.TotalSeconds:0} s.");
        }

        if (_process.ExitCode != 0 || !File.Exists(_resultPath))
        {
            throw new BenchException($"The tap failed (exit code {_process.ExitCode}): {await ErrorsAsync()}");
        }

        try
        {
            return TapResult.Parse(await File.ReadAllTextAsync(_resultPath));
        }
        catch (JsonException e)
        {
            throw new BenchException($"The tap's result {_resultPath} is not readable: {e.Message}", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    /// <summary><c>amqp://user:password@host:port/vhost</c>, each part escaped (a vhost "/" is "%2F").</summary>
    public static Uri AmqpUri(BrokerSettings broker)
    {
        var user = Uri.EscapeDataString(broker.UserName);
        var password = Uri.EscapeDataString(broker.Password);
        var port = broker.Port.ToString(CultureInfo.InvariantCulture);
        return new Uri($"amqp://{user}:{password}@{broker.Host}:{port}/{Uri.EscapeDataString(broker.VirtualHost)}");
    }

    private async Task<string> ErrorsAsync()
    {
        var errors = await _errors.WaitAsync(TimeSpan.FromSeconds(5))
            .ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : "", TaskScheduler.Default);
        return errors.Trim();
    }
}
