namespace BookingSystem.Contracts;

/// <summary>
/// The JSON body of every message on the <see cref="Topology.Exchange"/> exchange (camelCase, UTF-8).
/// <see cref="EventId"/> is stable: a republished copy carries the same id and consumers apply it once.
/// </summary>
/// <typeparam name="TData">The event record, e.g. <see cref="BookingCreated"/>.</typeparam>
public sealed record EventEnvelope<TData>(
    string EventId,
    string EventType,
    string CorrelationId,
    DateTimeOffset OccurredAt,
    TData Data,
    string? CausationId = null);
