using System.Diagnostics;
using Microsoft.Extensions.Options;

namespace BookingSystem.InventoryService.Messaging;

/// <summary>The moments between two durable steps where a crash is most likely to lose or double something.</summary>
public enum CrashPoint
{
    None,

    /// <summary>A unit of work has written its changes (reservations, counters, inbox, outbox) but not committed.</summary>
    BeforeCommit,

    /// <summary>A batch of messages is committed but not acked.</summary>
    AfterCommit,

    /// <summary>Outbox rows are published and confirmed but not marked sent.</summary>
    AfterPublish,
}

/// <summary>
/// Test hook of the fault suite (<c>Faults:CrashAt</c>, <c>Faults:CrashAfter</c>): not set, nothing happens. Set, the
/// process kills itself with SIGKILL (no drain, no ack, no flush) the Nth time it reaches that point, so a test can
/// prove what a crash exactly there leaves behind.
/// </summary>
public sealed class FaultOptions
{
    public const string SectionName = "Faults";

    public CrashPoint CrashAt { get; set; } = CrashPoint.None;

    [System.ComponentModel.DataAnnotations.Range(1, int.MaxValue)]
    public int CrashAfter { get; set; } = 1;
}

public sealed class CrashPoints(IOptions<FaultOptions> options, ILogger<CrashPoints> logger)
{
    private int _reached;

    public void Reached(CrashPoint point)
    {
        var settings = options.Value;
        if (settings.CrashAt != point || Interlocked.Increment(ref _reached) != settings.CrashAfter)
        {
            return;
        }

        Log.CrashPointReached(logger, point, settings.CrashAfter);
        using var self = Process.GetCurrentProcess();
        self.Kill();
    }
}
