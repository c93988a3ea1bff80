using System.Runtime.InteropServices;
using BookingSystem.BenchTap;

TapOptions options;
try
{
    options = TapOptions.Parse(args, Environment.GetEnvironmentVariable);
}
catch (Exception e) when (e is ArgumentException or UriFormatException)
{
    await Console.Error.WriteLineAsync(e.Message);
    return 2;
}

using var stop = new CancellationTokenSource();
// The bench stops the tap by closing its stdin; a person by Ctrl+C, a supervisor by SIGTERM. Each ends the
// recording the same way: the result is written, never lost with the process.
using var onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
await using var tap = await Tap.StartAsync(options, CancellationToken.None);
await Console.Out.WriteLineAsync("ready");
await Console.Out.FlushAsync();

var stdinClosed = Task.Run(async () =>
{
    while (await Console.In.ReadLineAsync() is not null)
    {
        // Anything written to stdin is ignored: only its end means stop.
    }
});
await Task.WhenAny(stdinClosed, Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default));

var report = await tap.ReportAsync(CancellationToken.None);
if (options.Times is { } times)
{
    await tap.WriteTimesAsync(times);
}

var temporary = options.Output + ".tmp";
await using (var file = File.Create(temporary))
{
    report.WriteTo(file);
}

File.Move(temporary, options.Output, overwrite: true);
await Console.Out.WriteLineAsync("done");
return 0;

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}
