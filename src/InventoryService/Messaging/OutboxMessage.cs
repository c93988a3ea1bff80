namespace BookingSystem.InventoryService.Messaging;

/// <summary>
/// An event waiting to be published, written in the same transaction as the state change it describes.
/// <see cref="SentAt"/> is set once the broker confirmed it.
/// </summary>
public sealed class OutboxMessage
{
    public long Id { get; internal set; }

    public required string EventId { get; init; }

    public required string EventType { get; init; }

    public required string RoutingKey { get; init; }

    public required string CorrelationId { get; init; }

    public string? CausationId { get; init; }

    /// <summary>The whole envelope as JSON, exactly as it goes on the wire.</summary>
    public required string Payload { get; init; }

    public string? TraceParent { get; init; }

    public DateTimeOffset OccurredAt { get; init; }

    public DateTimeOffset? SentAt { get; set; }

    public int Attempts { get; set; }

    public string? LastError { get; set; }

    /// <summary>
    /// A dispatcher's claim (a lease, not a row lock): until then no other dispatcher takes the row. A dispatcher
    /// that dies or hangs mid-publish only delays the row by the lease.
    /// </summary>
    public DateTimeOffset? ClaimedUntil { get; set; }
}
