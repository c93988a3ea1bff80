namespace BookingSystem.Cli.Bench;

/// <summary>
/// The InventoryService as a <see cref="BrokerTarget"/>'s handler. It runs already (started, migrated and with its
/// queues declared by <see cref="BenchRunner"/>); for a drain it is stopped while the queue fills and a fresh
/// process is started at <see cref="StartAsync"/>, so its peak working set is the drain's own.
/// </summary>
public sealed class ServiceHandler(ServiceProcess running, Func<ServiceProcess> launch) : IWorkHandler
{
    private bool _stopped;

    /// <summary>The process now running; the caller stops it once it has checked the invariants.</summary>
    public ServiceProcess Current { get; private set; } = running;

    public string RoutingPrefix => "";

    public int? ProcessId => _stopped ? null : Current.Id;

    public string? Failure => !_stopped && Current.HasExited
        ? $"The InventoryService (pid {Current.Id}) exited with code {Current.ExitCode} during the phase (see its log)."
        : null;

    public async Task PrepareAsync(bool drain, CancellationToken ct)
    {
        if (drain)
        {
            _stopped = true;
            await Current.DisposeAsync();
        }
    }

    public Task StartAsync(CancellationToken ct)
    {
        if (_stopped)
        {
            Current = launch();
            _stopped = false;
        }

        return Task.CompletedTask;
    }

    public TargetStats Stats() => new(Current.PeakWorkingSetBytes);

    /// <summary>Nothing: the process outlives the phase (see <see cref="Current"/>).</summary>
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
