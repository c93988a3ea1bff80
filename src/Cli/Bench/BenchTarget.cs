using BookingSystem.Cli.Messaging.Simulation;

namespace BookingSystem.Cli.Bench;

/// <summary>
/// What a target measured about itself: the service process's peak working set; null when it has none.
/// </summary>
/// <remarks>Its CPU is read by the phase's <see cref="CpuMeter"/>, over the measured phase only.</remarks>
public sealed record TargetStats(long? PeakWorkingSetBytes)
{
    public static readonly TargetStats None = new((long?)null);
}

/// <summary>
/// What a phase drives with the same bookings, pacing and outcome accounting: the InventoryService, the broker
/// alone (an echo consumer), or the database work alone.
/// </summary>
public interface IBenchTarget : IAsyncDisposable
{
    /// <summary>"service", "broker ceiling", "DB ceiling".</summary>
    public string Name { get; }

    /// <summary>Why the target cannot go on (the service process exited), or null.</summary>
    public string? Failure { get; }

    /// <summary>
    /// The process that does the work, when it is not the bench itself (the service), for its CPU time.
    /// </summary>
    public int? ProcessId { get; }

    /// <summary>
    /// Gets ready to take work and to report each outcome event to <paramref name="onOutcome"/>, with the
    /// <see cref="TimeProvider.GetTimestamp"/> of its arrival. With <paramref name="drain"/>, nothing handles the work
    /// until <see cref="StartAsync"/>: it queues up.
    /// </summary>
    public Task PrepareAsync(Action<ObservedEvent, long> onOutcome, bool drain, CancellationToken ct);

    /// <summary>
    /// Starts handling the work (at once for a drain; right after <see cref="PrepareAsync"/> otherwise).
    /// </summary>
    public Task StartAsync(CancellationToken ct);

    /// <summary>
    /// Hands over one booking or payment; completes when the target has taken it (the broker's confirm, a queue slot).
    /// </summary>
    public Task SendAsync(BenchWork work, CancellationToken ct);

    public TargetStats Stats();
}
