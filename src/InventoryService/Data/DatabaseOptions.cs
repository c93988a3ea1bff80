using System.ComponentModel.DataAnnotations;

namespace BookingSystem.InventoryService.Data;

/// <summary>
/// Bounds on how long the service's database sessions may wait, given to PostgreSQL as startup options of every
/// connection (not to the migrations at start-up).
/// </summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    /// <summary>
    /// Longest wait for one lock (<c>lock_timeout</c>): a row or key another session holds too long. The work is tried
    /// once more, then a consumer applies its batch message by message, and the one that keeps waiting goes back to
    /// its queue (and after the delivery limit to the DLQ) instead of stalling the queue behind it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest run of one statement (<c>statement_timeout</c>); handled like a lock timeout.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan StatementTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the client waits for one command: 10 s beyond <see cref="StatementTimeout"/>, so the server ends a
    /// slow statement first (a timeout of that work) and the client's own timeout means the server did not answer.
    /// </summary>
    public int CommandTimeoutSeconds => (int)Math.Ceiling(StatementTimeout.TotalSeconds) + 10;
}
